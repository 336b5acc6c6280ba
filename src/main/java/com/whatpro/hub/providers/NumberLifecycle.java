package com.whatpro.hub.providers;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.crypto.CredentialDecryptionException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What an admin does to a number at its provider: connect it (QR code or pairing code), log it out, restart it,
 * delete it with its instance. Each call reaches the provider outside any transaction, is recorded on the number and
 * audited; a provider's refusal becomes a problem answer, never a half-done change.
 */
@Service
class NumberLifecycle {

    private final Providers providers;
    private final ProviderAdapters adapters;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate writing;

    NumberLifecycle(Providers providers, ProviderAdapters adapters, ApplicationEventPublisher events,
            PlatformTransactionManager transactions) {
        this.providers = providers;
        this.adapters = adapters;
        this.events = events;
        this.writing = new TransactionTemplate(transactions);
    }

    /** @param phoneE164 for a pairing code instead of a QR code */
    Optional<Providers.NumberConnection> connect(AccountId account, UUID id, @Nullable String phoneE164, UUID actor) {
        var endpoint = endpoint(account, id);
        if (endpoint.isEmpty()) {
            return Optional.empty();
        }
        var state = call(() -> adapters.forType(endpoint.get().type()).connect(endpoint.get(), phoneE164));
        return inTransaction(() -> {
            providers.recordState(account, id, state);
            audit(account, id, "provider.connect_requested",
                    Map.of("method", phoneE164 == null ? "qr_code" : "pairing_code"), actor);
            return providers.connection(account, id);
        });
    }

    /** Evolution answers before the logout is done; the next health checks (soon, while connecting) confirm it. */
    boolean logout(AccountId account, UUID id, UUID actor) {
        return act(account, id, actor, "provider.logged_out", adapter -> adapter::logout,
                ConnectionState.disconnected("logged out"));
    }

    boolean restart(AccountId account, UUID id, UUID actor) {
        return act(account, id, actor, "provider.restarted", adapter -> adapter::restart,
                ConnectionState.connecting("restarting"));
    }

    /**
     * Deletes the number; a provisioned one's instance at the provider first, unless {@code keepInstance}. When the
     * provider refuses, nothing is deleted.
     */
    boolean delete(AccountId account, UUID id, boolean keepInstance, UUID actor) {
        var provider = providers.find(account, id);
        if (provider.isEmpty()) {
            return false;
        }
        var atProvider = provider.get().provisioned() && !keepInstance;
        if (atProvider) {
            var endpoint = endpoint(account, id);
            if (endpoint.isEmpty()) {
                return false;
            }
            call(() -> {
                adapters.forType(endpoint.get().type()).deleteInstance(endpoint.get());
                return null;
            });
        }
        return Boolean.TRUE.equals(writing.execute(status -> providers.delete(account, id, actor,
                Map.of("instance_deleted", atProvider))));
    }

    private interface Action {
        java.util.function.Consumer<ProviderEndpoint> on(ProviderAdapter adapter);
    }

    private boolean act(AccountId account, UUID id, UUID actor, String action, Action what, ConnectionState after) {
        var endpoint = endpoint(account, id);
        if (endpoint.isEmpty()) {
            return false;
        }
        call(() -> {
            what.on(adapters.forType(endpoint.get().type())).accept(endpoint.get());
            return null;
        });
        inTransaction(() -> {
            providers.recordState(account, id, after);
            audit(account, id, action, Map.of(), actor);
            return Optional.empty();
        });
        return true;
    }

    private Optional<ProviderEndpoint> endpoint(AccountId account, UUID id) {
        try {
            return providers.endpoint(account, id);
        } catch (CredentialDecryptionException e) {
            throw new ApiProblem(org.springframework.http.HttpStatus.CONFLICT, "credentials-unreadable", "Conflict",
                    "The stored credentials cannot be decrypted with the configured keys.");
        }
    }

    private void audit(AccountId account, UUID id, String action, Map<String, Object> changes, UUID actor) {
        events.publishEvent(new ProviderChanged(account, id, action, changes, actor));
    }

    private <T> Optional<T> inTransaction(java.util.function.Supplier<Optional<T>> work) {
        return java.util.Objects.requireNonNull(writing.execute(status -> work.get()));
    }

    private static <T> T call(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (ProviderException e) {
            throw ProviderProblems.of(e);
        }
    }
}
