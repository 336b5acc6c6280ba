package com.whatpro.hub.providers.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.ValidationReport;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The spec checks only mean something if the workarounds in {@link SpecValidator} leave them able to fail: Meta's
 * own examples must pass, and wrong requests must not.
 */
class SpecValidatorTests {

    private static final SpecValidator META = SpecValidator.cloudApi();
    private static final SpecValidator UAZAPI = SpecValidator.uazapi();
    private static final String MESSAGES = "/v23.0/106540352242922/messages";

    @ParameterizedTest
    @ValueSource(strings = {"Send Text Message", "Send Image Message by URL", "Send Video Message by URL",
            "Send Audio Message by URL", "Send Document Message by URL", "Send Document Message by ID",
            "Send Reply to Text Message"})
    void acceptsMetasOwnRequestExamples(String example) {
        assertThat(errors(META, metaPost(metaExample(example)))).isEmpty();
    }

    @Test
    void rejectsAMetaMessageWithAnUnknownKey() {
        assertThat(errors(META, metaPost("""
                {"messaging_product": "whatsapp", "recipient_type": "individual", "to": "5511999999999",
                 "type": "text", "text": {"body": "hi"}, "priority": "high"}"""))).isNotEmpty();
    }

    @Test
    void rejectsAMetaMessageWithoutItsContent() {
        assertThat(errors(META, metaPost("""
                {"messaging_product": "whatsapp", "recipient_type": "individual", "to": "5511999999999",
                 "type": "image"}"""))).isNotEmpty();
    }

    @Test
    void rejectsAMetaMessageWithAWrongType() {
        assertThat(errors(META, metaPost("""
                {"messaging_product": "whatsapp", "recipient_type": "individual", "to": 5511999999999,
                 "type": "text", "text": {"body": "hi"}}"""))).isNotEmpty();
    }

    @Test
    void rejectsAMetaRequestWithoutBearerToken() {
        var request = SimpleRequest.Builder.post(MESSAGES)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"messaging_product\": \"whatsapp\", \"recipient_type\": \"individual\", "
                        + "\"to\": \"5511999999999\", \"type\": \"text\", \"text\": {\"body\": \"hi\"}}")
                .build();
        assertThat(errors(META, request)).isNotEmpty();
    }

    @Test
    void checksAMediaLookUpAgainstItsOwnOperationAmongPathsOfTheSameShape() {
        var lookUp = SimpleRequest.Builder.get("/v23.0/65463453")
                .withHeader("Authorization", "Bearer EAAtoken").withQueryParam("phone_number_id", "106540352242922");
        assertThat(errors(META, lookUp.build(), "retrieveMediaUrl")).isEmpty();
        assertThat(errors(META, lookUp.withQueryParam("fields", "url").build(), "retrieveMediaUrl")).isNotEmpty();
        assertThat(errors(META, SimpleRequest.Builder.get("/v23.0/65463453").build(), "retrieveMediaUrl"))
                .isNotEmpty();
    }

    @Test
    void rejectsAMediaDownloadWithoutBearerToken() {
        var download = "/v23.0/whatsapp-business-attachment-ATuQ5xFTgJqE";
        assertThat(errors(META, SimpleRequest.Builder.get(download).withHeader("Authorization", "Bearer EAAtoken")
                .build(), "downloadMedia")).isEmpty();
        assertThat(errors(META, SimpleRequest.Builder.get(download).build(), "downloadMedia")).isNotEmpty();
    }

    @Test
    void acceptsAValidUazapiText() {
        assertThat(errors(UAZAPI, uazapiPost("/send/text", "{\"number\": \"5511999999999\", \"text\": \"hi\"}")))
                .isEmpty();
    }

    @Test
    void rejectsAUazapiTextWithWrongTypesOrUnknownKeys() {
        assertThat(errors(UAZAPI, uazapiPost("/send/text", "{\"number\": 5511999999999, \"text\": \"hi\"}")))
                .isNotEmpty();
        assertThat(errors(UAZAPI, uazapiPost("/send/text", "{\"number\": \"1\", \"text\": \"hi\", \"to\": \"1\"}")))
                .isNotEmpty();
        assertThat(errors(UAZAPI, uazapiPost("/send/text", "{\"number\": \"5511999999999\"}"))).isNotEmpty();
    }

    @Test
    void rejectsAUazapiMediaTypeItDoesNotKnow() {
        assertThat(errors(UAZAPI, uazapiPost("/send/media",
                "{\"number\": \"5511999999999\", \"type\": \"gif\", \"file\": \"https://x.example/a\"}"))).isNotEmpty();
    }

    @Test
    void rejectsAUazapiRequestWithoutToken() {
        assertThat(errors(UAZAPI, SimpleRequest.Builder.get("/instance/status").build())).isNotEmpty();
        assertThat(errors(UAZAPI, SimpleRequest.Builder.get("/instance/status").withHeader("token", "t").build()))
                .isEmpty();
    }

    private static List<ValidationReport.Message> errors(SpecValidator spec, com.atlassian.oai.validator.model.Request request) {
        return spec.validate(request).getMessages().stream()
                .filter(message -> message.getLevel() == ValidationReport.Level.ERROR)
                .toList();
    }

    private static List<ValidationReport.Message> errors(SpecValidator spec,
            com.atlassian.oai.validator.model.Request request, String operationId) {
        return spec.validate(request, operationId).getMessages().stream()
                .filter(message -> message.getLevel() == ValidationReport.Level.ERROR)
                .toList();
    }

    private static com.atlassian.oai.validator.model.Request metaPost(String body) {
        return SimpleRequest.Builder.post(MESSAGES)
                .withHeader("Authorization", "Bearer EAAtoken")
                .withHeader("Content-Type", "application/json")
                .withBody(body)
                .build();
    }

    private static com.atlassian.oai.validator.model.Request uazapiPost(String path, String body) {
        return SimpleRequest.Builder.post(path)
                .withHeader("token", "instance-token")
                .withHeader("Content-Type", "application/json")
                .withBody(body)
                .build();
    }

    private static final Map<String, io.swagger.v3.oas.models.examples.Example> META_EXAMPLES = metaExamples();

    /** Meta's request examples for the messages endpoint, as written in the spec. */
    private static String metaExample(String name) {
        return String.valueOf(META_EXAMPLES.get(name).getValue());
    }

    private static Map<String, io.swagger.v3.oas.models.examples.Example> metaExamples() {
        var options = new ParseOptions();
        options.setResolve(false);
        var api = new OpenAPIV3Parser().readLocation(Objects.requireNonNull(SpecValidatorTests.class.getResource(
                "/specs/meta-cloud-api/business-messaging-api_v23.0.openapi.yaml")).toString(), null, options)
                .getOpenAPI();
        return api.getPaths().get("/{Version}/{Phone-Number-ID}/messages").getPost().getRequestBody()
                .getContent().get("application/json").getExamples();
    }
}
