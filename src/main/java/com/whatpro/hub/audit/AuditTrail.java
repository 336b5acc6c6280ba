package com.whatpro.hub.audit;

import com.whatpro.hub.platform.Auditable;
import com.whatpro.hub.platform.Automated;
import com.whatpro.hub.platform.Ids;
import com.whatpro.hub.platform.security.Caller;
import com.whatpro.hub.platform.security.Callers;
import com.whatpro.hub.platform.web.ClientAddress;
import com.whatpro.hub.platform.web.RequestIdFilter;

import org.jspecify.annotations.Nullable;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Writes every {@link Auditable} event into the audit log, synchronously, inside the
 * publisher's transaction: the change and its audit row commit or roll back together. An event
 * published outside a transaction (a refused sign-in) gets a short transaction of its own.
 *
 * <p>The actor is the request's caller (a user or an API key); without one, who the event names
 * (the user who just signed in, an anonymous party); else the system. IP address (see
 * {@link ClientAddress}), user agent and request id come from the current request, if any.
 */
@Component
class AuditTrail {

    private static final int MAX_USER_AGENT = 512;

    private final AuditLog log;
    private final TransactionTemplate ownTransaction;

    AuditTrail(AuditLog log, PlatformTransactionManager transactions) {
        this.log = log;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionTemplate.PROPAGATION_REQUIRES_NEW);
    }

    @EventListener
    void on(Auditable event) {
        var entry = entry(event);
        if (TransactionSynchronizationManager.isActualTransactionActive()
                && !TransactionSynchronizationManager.isCurrentTransactionReadOnly()) {
            log.append(entry);
        } else {
            ownTransaction.executeWithoutResult(status -> log.append(entry));
        }
    }

    private static AuditEntry entry(Auditable event) {
        String ip = null;
        String agent = null;
        String requestId = null;
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            var request = attributes.getRequest();
            ip = ClientAddress.of(request);
            agent = truncate(request.getHeader("User-Agent"));
            var id = RequestIdFilter.of(request);
            requestId = id.isEmpty() ? null : id;
        }
        return new AuditEntry(Ids.newId(), null, event.auditAccount(), actor(event), event.auditAction(),
                event.auditResourceType(), event.auditResourceId(), Redaction.redact(event.auditChanges()),
                ip, agent, requestId);
    }

    private static Auditable.Actor actor(Auditable event) {
        var caller = Callers.current();
        if (caller.isPresent()) {
            return switch (caller.get()) {
                case Caller.User user -> Auditable.Actor.user(user.userId());
                case Caller.ApiKey key -> Auditable.Actor.apiKey(key.keyId());
            };
        }
        var declared = event.auditActor();
        if (declared != null) {
            return declared;
        }
        return Automated.current().map(run -> new Auditable.Actor("automation", run.automationId()))
                .orElseGet(Auditable.Actor::system);
    }

    private static @Nullable String truncate(@Nullable String text) {
        return text == null || text.length() <= MAX_USER_AGENT ? text : text.substring(0, MAX_USER_AGENT);
    }
}
