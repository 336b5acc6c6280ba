package com.whatpro.hub.providers;

import com.whatpro.hub.platform.ApiProblem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/**
 * Credentials as clients send them ({@code credentials: {...}}) and as they are stored (the same fields, encrypted
 * as JSON). Field names per type:
 * <ul>
 *   <li>{@code evolution}: {@code api_key}, {@code webhook_token?}</li>
 *   <li>{@code uazapi}: {@code token}, {@code webhook_token?}</li>
 *   <li>{@code cloud_api}: {@code access_token}, {@code app_secret}, {@code verify_token}, {@code phone_number_id},
 *       {@code api_version?}, {@code waba_id?}</li>
 * </ul>
 */
final class CredentialFields {

    private static final Map<ProviderType, Set<String>> FIELDS = Map.of(
            ProviderType.EVOLUTION, Set.of("api_key", "webhook_token"),
            ProviderType.UAZAPI, Set.of("token", "webhook_token"),
            ProviderType.CLOUD_API, Set.of("access_token", "app_secret", "verify_token", "phone_number_id",
                    "api_version", "waba_id"));

    private CredentialFields() {
    }

    /** @throws ApiProblem 422 naming every missing, unknown or malformed field as {@code credentials.<name>} */
    static ProviderCredentials parse(ProviderType type, Map<String, ?> raw) {
        var errors = new ArrayList<ApiProblem.FieldError>();
        raw.keySet().stream().filter(key -> !FIELDS.get(type).contains(key)).sorted().forEach(key ->
                errors.add(new ApiProblem.FieldError("credentials." + key, "is not a " + type.jsonName()
                        + " credential; expected " + FIELDS.get(type).stream().sorted().toList())));
        var reader = new Reader(raw, errors);
        ProviderCredentials credentials = switch (type) {
            case EVOLUTION -> new ProviderCredentials.Evolution(reader.required("api_key"), reader.optional("webhook_token"));
            case UAZAPI -> new ProviderCredentials.Uazapi(reader.required("token"), reader.optional("webhook_token"));
            case CLOUD_API -> cloudApi(reader, errors);
        };
        if (!errors.isEmpty()) {
            throw new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "validation", "Invalid input",
                    "The request has invalid fields.", errors, Map.of());
        }
        return credentials;
    }

    /** The provider's admin credential and the webhook token, as {@code provision: true} takes them. */
    record AdminKey(String key, @Nullable String webhookToken) {

        @Override
        public String toString() {
            return "AdminKey[(redacted)]";
        }
    }

    private static final Map<ProviderType, String> ADMIN_FIELD = Map.of(ProviderType.EVOLUTION, "api_key",
            ProviderType.UAZAPI, "admin_token");

    /**
     * {@code evolution}: {@code api_key} (the server's global key), {@code webhook_token?}; {@code uazapi}:
     * {@code admin_token}, {@code webhook_token?}.
     *
     * @throws ApiProblem 422 as {@link #parse} does
     */
    static AdminKey parseAdmin(ProviderType type, Map<String, ?> raw) {
        var errors = new ArrayList<ApiProblem.FieldError>();
        var field = ADMIN_FIELD.get(type);
        if (field == null) {
            throw ApiProblem.invalid("provision", "is for evolution and uazapi; Cloud API numbers are set up in Meta");
        }
        var allowed = Set.of(field, "webhook_token");
        raw.keySet().stream().filter(key -> !allowed.contains(key)).sorted().forEach(key ->
                errors.add(new ApiProblem.FieldError("credentials." + key, "is not taken when provisioning "
                        + type.jsonName() + "; expected " + allowed.stream().sorted().toList())));
        var reader = new Reader(raw, errors);
        var key = new AdminKey(reader.required(field), reader.optional("webhook_token"));
        if (!errors.isEmpty()) {
            throw new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "validation", "Invalid input",
                    "The request has invalid fields.", errors, Map.of());
        }
        return key;
    }

    private static ProviderCredentials cloudApi(Reader reader, List<ApiProblem.FieldError> errors) {
        String accessToken = reader.required("access_token");
        String appSecret = reader.required("app_secret");
        String verifyToken = reader.required("verify_token");
        String phoneNumberId = reader.required("phone_number_id");
        String version = reader.optional("api_version");
        String wabaId = reader.optional("waba_id");
        if (wabaId != null && !wabaId.matches("\\d{1,30}")) {
            errors.add(new ApiProblem.FieldError("credentials.waba_id", "must be the digits of the WhatsApp Business Account id"));
            wabaId = null;
        }
        if (!phoneNumberId.isEmpty() && !phoneNumberId.matches("\\d{1,30}")) {
            errors.add(new ApiProblem.FieldError("credentials.phone_number_id", "must be the digits of the phone number id"));
            phoneNumberId = "0";
        }
        if (version != null && !version.matches("v\\d+\\.\\d+")) {
            errors.add(new ApiProblem.FieldError("credentials.api_version", "must look like v23.0"));
            version = null;
        }
        if (phoneNumberId.isEmpty()) {
            phoneNumberId = "0";
        }
        return new ProviderCredentials.CloudApi(accessToken, appSecret, verifyToken, phoneNumberId,
                version == null ? ProviderCredentials.CloudApi.DEFAULT_API_VERSION : version, wabaId);
    }

    /** The stored form: the same fields, absent ones left out. */
    static Map<String, String> toMap(ProviderCredentials credentials) {
        var map = new LinkedHashMap<String, String>();
        switch (credentials) {
            case ProviderCredentials.Evolution evolution -> {
                map.put("api_key", evolution.apiKey());
                putIfPresent(map, "webhook_token", evolution.webhookToken());
            }
            case ProviderCredentials.Uazapi uazapi -> {
                map.put("token", uazapi.token());
                putIfPresent(map, "webhook_token", uazapi.webhookToken());
            }
            case ProviderCredentials.CloudApi cloud -> {
                map.put("access_token", cloud.accessToken());
                map.put("app_secret", cloud.appSecret());
                map.put("verify_token", cloud.verifyToken());
                map.put("phone_number_id", cloud.phoneNumberId());
                map.put("api_version", cloud.apiVersion());
                putIfPresent(map, "waba_id", cloud.wabaId());
            }
        }
        return map;
    }

    private static void putIfPresent(Map<String, String> map, String key, @Nullable String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private record Reader(Map<String, ?> raw, List<ApiProblem.FieldError> errors) {

        String required(String name) {
            var value = optional(name);
            if (value == null) {
                if (raw.get(name) == null || raw.get(name) instanceof String) {
                    errors.add(new ApiProblem.FieldError("credentials." + name, "is required"));
                }
                return "";
            }
            return value;
        }

        @Nullable String optional(String name) {
            var value = raw.get(name);
            if (value == null) {
                return null;
            }
            if (!(value instanceof String text)) {
                errors.add(new ApiProblem.FieldError("credentials." + name, "must be a string"));
                return null;
            }
            var stripped = text.strip();
            if (stripped.length() > 4096) {
                errors.add(new ApiProblem.FieldError("credentials." + name, "is longer than 4096 characters"));
                return null;
            }
            return stripped.isEmpty() ? null : stripped;
        }
    }
}
