package com.whatpro.hub.identity;

import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.PlatformSettings;
import com.whatpro.hub.platform.redis.RedisBroadcast;
import com.whatpro.hub.platform.security.AccountAccess;
import com.whatpro.hub.platform.security.Caller;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Tells the other nodes that someone's access may have ended, so their open event streams check
 * their callers again at once. A notice says only what changed (a session, a user, an API key, an
 * account), never what follows from it: the database decides that. A request never waits for
 * Redis ({@link RedisBroadcast}). A notice lost with Redis is made up for by each stream's
 * periodic check.
 */
@Component
class AccessNotices implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AccessNotices.class);

    /** Something that may have ended the access of the callers it names. */
    record Notice(Kind kind, String id) {

        enum Kind { SESSION, USER, KEY, ACCOUNT }

        static Notice session(UUID session) {
            return new Notice(Kind.SESSION, session.toString());
        }

        static Notice user(UUID user) {
            return new Notice(Kind.USER, user.toString());
        }

        static Notice key(UUID key) {
            return new Notice(Kind.KEY, key.toString());
        }

        static Notice account(AccountId account) {
            return new Notice(Kind.ACCOUNT, account.toString());
        }

        boolean names(AccountAccess access) {
            return switch (kind) {
                case SESSION -> access.caller() instanceof Caller.User user && user.sessionId().toString().equals(id);
                case USER -> access.caller() instanceof Caller.User user && user.userId().toString().equals(id);
                case KEY -> access.caller() instanceof Caller.ApiKey key && key.keyId().toString().equals(id);
                case ACCOUNT -> access.account().toString().equals(id);
            };
        }

        String wire() {
            return kind.name().toLowerCase(Locale.ROOT) + ":" + id;
        }

        static Optional<Notice> parse(String wire) {
            var colon = wire.indexOf(':');
            if (colon < 0) {
                return Optional.empty();
            }
            try {
                return Optional.of(new Notice(Kind.valueOf(wire.substring(0, colon).toUpperCase(Locale.ROOT)),
                        wire.substring(colon + 1)));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }

    private final RedisBroadcast channel;
    private volatile Consumer<Notice> receiver = notice -> { };

    AccessNotices(StringRedisTemplate redis, RedisConnectionFactory connections, PlatformSettings settings) {
        this.channel = new RedisBroadcast(redis, connections, settings.redis().keyPrefix() + "identity:access",
                "access-notices", wire -> Notice.parse(wire).ifPresent(notice -> receiver.accept(notice)));
    }

    /** Who hears the notices of other nodes (this node's own are handled where they are sent). */
    void onNotice(Consumer<Notice> receiver) {
        this.receiver = receiver;
    }

    /** Queues the notice for the other nodes; never blocks. */
    void send(Notice notice) {
        if (!channel.send(notice.wire())) {
            log.warn("Access notices queue is full; other nodes' streams find out at their next check");
        }
    }

    @Override
    public void start() {
        channel.start();
    }

    @Override
    public void stop() {
        channel.stop();
    }

    @Override
    public boolean isRunning() {
        return channel.isRunning();
    }
}
