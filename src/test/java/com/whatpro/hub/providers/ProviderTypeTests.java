package com.whatpro.hub.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

class ProviderTypeTests {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void usesTheApisNamesInJson() {
        assertThat(json.writeValueAsString(ProviderType.values()))
                .isEqualTo("[\"evolution\",\"uazapi\",\"cloud_api\"]");
        assertThat(json.readValue("[\"cloud_api\",\"evolution\"]", new TypeReference<List<ProviderType>>() { }))
                .containsExactly(ProviderType.CLOUD_API, ProviderType.EVOLUTION);
    }

    @Test
    void namesTheValidValuesWhenGivenAnUnknownOne() {
        assertThatThrownBy(() -> ProviderType.fromJson("twilio"))
                .hasMessageContaining("evolution, uazapi, cloud_api");
    }
}
