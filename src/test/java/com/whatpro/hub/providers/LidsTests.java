package com.whatpro.hub.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LidsTests {

    @Test
    void readsALidWithOrWithoutItsDevice() {
        assertThat(Lids.fromJid("141283218772012@lid")).contains("141283218772012@lid");
        assertThat(Lids.fromJid("141283218772012:7@lid")).contains("141283218772012@lid");
        assertThat(Lids.fromJid("141283218772012@LID")).contains("141283218772012@lid");
    }

    @ParameterizedTest
    @ValueSource(strings = {"5511999999999@s.whatsapp.net", "120363025246125486@g.us", "141283218772012",
            "@lid", "abc@lid", "status@broadcast", ""})
    void readsNothingElse(String jid) {
        assertThat(Lids.fromJid(jid)).isEmpty();
    }

    @Test
    void tellsALidAddressFromAPhone() {
        assertThat(Lids.isLid("141283218772012@lid")).isTrue();
        assertThat(Lids.isLid("+5511999999999")).isFalse();
    }

    @Test
    void isSentAsTheJidThroughEvolutionAndUazapiButNotCloudApi() {
        assertThat(PhoneNumbers.toProviderNumber(ProviderType.EVOLUTION, "141283218772012@lid"))
                .isEqualTo("141283218772012@lid");
        assertThat(PhoneNumbers.toProviderNumber(ProviderType.UAZAPI, "141283218772012@lid"))
                .isEqualTo("141283218772012@lid");
        assertThatThrownBy(() -> PhoneNumbers.toProviderNumber(ProviderType.CLOUD_API, "141283218772012@lid"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
