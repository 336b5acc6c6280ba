package com.whatpro.hub.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** Every text exists in both languages, and the scripts' texts exist at all. */
class MessagesTest {

    private static Properties load(String name) throws IOException {
        var properties = new Properties();
        try (var in = MessagesTest.class.getResourceAsStream("/" + name)) {
            assertThat(in).as(name).isNotNull();
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return properties;
    }

    @Test
    void portugueseAndEnglishHaveTheSameKeys() throws IOException {
        var english = load("messages.properties");
        var portuguese = load("messages_pt_BR.properties");
        assertThat(portuguese.stringPropertyNames()).containsExactlyInAnyOrderElementsOf(english.stringPropertyNames());
        assertThat(portuguese.stringPropertyNames()).allSatisfy(key -> assertThat(portuguese.getProperty(key)).isNotBlank());
    }

    @Test
    void everyTextTheScriptsAskForExists() throws IOException {
        var english = load("messages.properties");
        assertThat(english.stringPropertyNames()).containsAll(Pages.SCRIPT_MESSAGES);
        assertThat(english.stringPropertyNames()).containsAll(Pages.ADMIN_SCRIPT_MESSAGES);
    }
}
