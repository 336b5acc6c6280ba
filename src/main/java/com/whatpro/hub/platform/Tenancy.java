package com.whatpro.hub.platform;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The database scope of the work at hand. Every transaction started inside a scope sets
 * {@code app.account_id}, {@code app.user_id} and {@code app.platform} with
 * {@code set_config(..., true)}, so row-level security sees the tenant and a pooled connection
 * forgets it when the transaction ends. Outside any scope the policies see no tenant and no
 * tenant row is visible.
 */
public final class Tenancy {

    private static final ScopedValue<Scope> CURRENT = ScopedValue.newInstance();

    private Tenancy() {
    }

    /** What the database may see: one account, one user's own rows, or (audited) everything. */
    public record Scope(@Nullable AccountId account, @Nullable UUID user, boolean platform) {
    }

    public static <T> T callAs(AccountId account, Callable<T> work) {
        return call(new Scope(account, currentUser().orElse(null), false), work);
    }

    public static void runAs(AccountId account, Runnable work) {
        callAs(account, () -> {
            work.run();
            return null;
        });
    }

    /** Rows of the given user across accounts (its memberships, its sessions). */
    public static <T> T callAsUser(UUID user, Callable<T> work) {
        return call(new Scope(current().map(Scope::account).orElse(null), user, false), work);
    }

    /** Every tenant's rows. Only for platform-wide operations, which their callers audit. */
    public static <T> T callAsPlatform(Callable<T> work) {
        return call(new Scope(null, currentUser().orElse(null), true), work);
    }

    public static Optional<Scope> current() {
        return CURRENT.isBound() ? Optional.of(CURRENT.get()) : Optional.empty();
    }

    public static Optional<AccountId> currentAccount() {
        return current().map(Scope::account);
    }

    private static Optional<UUID> currentUser() {
        return current().map(Scope::user);
    }

    /** Runs the work in exactly this scope, letting its own checked exceptions through. */
    public static <T, X extends Throwable> T callIn(Scope scope, ScopedValue.CallableOp<T, X> work) throws X {
        requireNoTransaction();
        return ScopedValue.where(CURRENT, scope).call(work);
    }

    private static void requireNoTransaction() {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException(
                    "a tenant scope must be entered before the transaction starts, not inside it");
        }
    }

    private static <T> T call(Scope scope, Callable<T> work) {
        requireNoTransaction();
        try {
            return ScopedValue.where(CURRENT, scope).call(work::call);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
