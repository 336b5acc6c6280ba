package com.whatpro.hub.platform.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretMaskingTest {

    @Test
    void masksTheSecretSegmentOfWebhookPaths() {
        assertThat(SecretMasking.mask(
                "POST /api/v1/webhooks/providers/0193a2b4-5c6d-7e8f-9012-3456789abcde/q7Vh_x-2Kd9 200 3ms"))
                .isEqualTo("POST /api/v1/webhooks/providers/0193a2b4-5c6d-7e8f-9012-3456789abcde/*** 200 3ms");
        assertThat(SecretMasking.mask("https://hub.example/api/v1/webhooks/chatwoot/42/Zx9-secret?x=1"))
                .isEqualTo("https://hub.example/api/v1/webhooks/chatwoot/42/***?x=1");
        assertThat(SecretMasking.mask("{\"webhook_url\":\"https://h/api/v1/webhooks/providers/abc/S3cr3t\"}"))
                .doesNotContain("S3cr3t");
    }

    @Test
    void masksSecretNamedParametersInAnyCaseAndLeavesTheOthers() {
        assertThat(SecretMasking.mask("GET /x?hub.mode=subscribe&hub.verify_token=vt-123&hub.challenge=1158"))
                .isEqualTo("GET /x?hub.mode=subscribe&hub.verify_token=***&hub.challenge=1158");
        assertThat(SecretMasking.mask("https://graph.example/v20.0/99?Access_Token=EAAGabc&fields=url"))
                .isEqualTo("https://graph.example/v20.0/99?Access_Token=***&fields=url");
        assertThat(SecretMasking.mask("?TOKEN=a&api_key=b&apikey=c&password=d&secret=e&signature=f&sig=g&key=h"))
                .isEqualTo("?TOKEN=***&api_key=***&apikey=***&password=***&secret=***&signature=***&sig=***&key=***");
        assertThat(SecretMasking.mask("Evolution[apiKey=evo-key-1, webhookToken=tok-2, instance=acme]"))
                .isEqualTo("Evolution[apiKey=***, webhookToken=***, instance=acme]");
        assertThat(SecretMasking.mask("AddMember[email=a@x.test, role=admin, password=correct horse, staple]"))
                .isEqualTo("AddMember[email=a@x.test, role=admin, password=***]");
        assertThat(SecretMasking.mask("{password=two words, user=ana} then secret=rest of the line"))
                .isEqualTo("{password=***, user=ana} then secret=***");
    }

    @Test
    void masksSecretJsonMembersPasswordsInUrlsBearerTokensAndApiKeys() {
        assertThat(SecretMasking.mask("{\"email\":\"ana@x.test\",\"password\":\"hunter2\",\"api_token\": \"cw\\\"1\"}"))
                .isEqualTo("{\"email\":\"ana@x.test\",\"password\":\"***\",\"api_token\": \"***\"}");
        assertThat(SecretMasking.mask("redis://:p4ss@localhost:6379/0 and jdbc:postgresql://app:pw@db:5432/x"))
                .isEqualTo("redis://***@localhost:6379/0 and jdbc:postgresql://***@db:5432/x");
        assertThat(SecretMasking.mask("Authorization: Bearer eyJhbGciOi.eyJzdWIi.sig_-x=="))
                .isEqualTo("Authorization: Bearer ***");
        assertThat(SecretMasking.mask("key wph_abcdef123456_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdefg used"))
                .isEqualTo("key wph_*** used");
    }

    @Test
    void leavesTextWithoutSecretsAsItIs() {
        var line = "Gateway job 0193a2b4 (inbound) attempt 2 failed, again in PT2S: connection refused";
        assertThat(SecretMasking.mask(line)).isSameAs(line);
        var path = "GET /api/v1/accounts/7/providers/0193a2b4-5c6d-7e8f-9012-3456789abcde 200 4ms";
        assertThat(SecretMasking.mask(path)).isSameAs(path);
        var email = "https://chatwoot.example/app?email=ana@x.test";
        assertThat(SecretMasking.mask(email)).isSameAs(email);
    }
}
