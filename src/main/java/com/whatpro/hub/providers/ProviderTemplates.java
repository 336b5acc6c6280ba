package com.whatpro.hub.providers;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The message templates of Cloud API numbers, kept as last fetched from the number's WhatsApp Business Account
 * ({@code credentials.waba_id}). Fetched on a sync; no database connection is held while Meta answers.
 */
@Service
public class ProviderTemplates {

    private final JdbcClient jdbc;
    private final Providers providers;
    private final ProviderAdapters adapters;
    private final JsonMapper json;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate readOnly;
    private final TransactionTemplate writing;

    ProviderTemplates(JdbcClient jdbc, Providers providers, ProviderAdapters adapters, JsonMapper json,
            ApplicationEventPublisher events, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.providers = providers;
        this.adapters = adapters;
        this.json = json;
        this.events = events;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.writing = new TransactionTemplate(transactions);
    }

    /** The provider's templates as last synced, by name and language. */
    @Transactional(readOnly = true)
    public List<MessageTemplate> list(AccountId account, UUID providerId) {
        return jdbc.sql("""
                select name, language, category, status, components::text from provider_templates
                where account_id = :account and provider_id = :provider order by name, language
                """)
                .param("account", account.value()).param("provider", providerId)
                .query((rs, n) -> new MessageTemplate(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), json.readTree(rs.getString(5))))
                .list();
    }

    /** The template of this name and language, as last synced. */
    @Transactional(readOnly = true)
    public Optional<MessageTemplate> find(AccountId account, UUID providerId, String name, String language) {
        return list(account, providerId).stream()
                .filter(template -> template.name().equals(name) && template.language().equals(language))
                .findFirst();
    }

    /**
     * Fetches the templates from Meta again and replaces the stored ones.
     *
     * @return empty when the provider does not exist in the account
     * @throws ApiProblem 422 when the provider is not a Cloud API number or has no {@code waba_id}
     * @throws ProviderException when Meta refuses or cannot be reached
     */
    public Optional<List<MessageTemplate>> sync(AccountId account, UUID providerId, @Nullable UUID actor) {
        var endpoint = Objects.requireNonNull(readOnly.execute(status -> providers.endpoint(account, providerId)));
        if (endpoint.isEmpty()) {
            return Optional.empty();
        }
        if (!(endpoint.get().credentials() instanceof ProviderCredentials.CloudApi cloud)) {
            throw new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "not-cloud-api", "Not a Cloud API number",
                    "Only Cloud API numbers have message templates.");
        }
        if (cloud.wabaId() == null) {
            throw ApiProblem.invalid("credentials.waba_id",
                    "is needed to list the message templates: set it on the provider");
        }
        var fetched = adapters.forType(ProviderType.CLOUD_API).templates(endpoint.get());
        writing.executeWithoutResult(status -> {
            jdbc.sql("delete from provider_templates where account_id = :account and provider_id = :provider")
                    .param("account", account.value()).param("provider", providerId).update();
            for (var template : fetched) {
                jdbc.sql("""
                        insert into provider_templates (account_id, provider_id, name, language, category, status,
                            components)
                        values (:account, :provider, :name, :language, :category, :status, cast(:components as jsonb))
                        on conflict do nothing
                        """)
                        .param("account", account.value()).param("provider", providerId)
                        .param("name", template.name()).param("language", template.language())
                        .param("category", template.category()).param("status", template.status())
                        .param("components", json.writeValueAsString(template.components())).update();
            }
            events.publishEvent(new ProviderChanged(account, providerId, "provider.templates_synced",
                    Map.of("templates", fetched.size()), actor));
        });
        return Optional.of(list(account, providerId));
    }
}
