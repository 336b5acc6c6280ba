package com.whatpro.hub.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PhoneNumbersTests {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "5511999999999@s.whatsapp.net | +5511999999999",
            "5511999999999:12@s.whatsapp.net | +5511999999999",
            "5511999999999@c.us | +5511999999999",
            "5511999999999 | +5511999999999",
            "+5511999999999 | +5511999999999",
            "+55 (11) 99999-9999 | +5511999999999",
            "+1 (983) 555-2319 | +19835552319",
            "  16505551234  | +16505551234"})
    void turnsUsualFormsIntoE164(String given, String e164) {
        assertThat(PhoneNumbers.toE164(given)).isEqualTo(e164);
    }

    @ParameterizedTest
    @ValueSource(strings = {"120363025246125486@g.us", "141283218772012@lid", "status@broadcast",
            "011 99999-9999", "12345", "1234567890123456", "+55 11 9999a-9999", "55+11999999999", ""})
    void refusesWhatIsNotAPhoneNumberWithCountryCode(String given) {
        assertThatThrownBy(() -> PhoneNumbers.toE164(given)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsOnlyPhoneJids() {
        assertThat(PhoneNumbers.fromJid("5511999999999@s.whatsapp.net")).contains("+5511999999999");
        assertThat(PhoneNumbers.fromJid("120363025246125486@g.us")).isEmpty();
        assertThat(PhoneNumbers.fromJid("141283218772012@lid")).isEmpty();
        assertThat(PhoneNumbers.fromJid("5511999999999")).isEmpty();
    }

    @Test
    void writesWhatEachProviderExpects() {
        assertThat(PhoneNumbers.toProviderNumber(ProviderType.EVOLUTION, "+5511999999999")).isEqualTo("5511999999999");
        assertThat(PhoneNumbers.toProviderNumber(ProviderType.UAZAPI, "+5511999999999")).isEqualTo("5511999999999");
        assertThat(PhoneNumbers.toProviderNumber(ProviderType.CLOUD_API, "+16505551234")).isEqualTo("16505551234");
        assertThat(PhoneNumbers.toJid("+5511999999999")).isEqualTo("5511999999999@s.whatsapp.net");
    }
}
