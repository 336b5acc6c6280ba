package com.whatpro.hub.gateway;

import com.whatpro.hub.chatwoot.ChatwootException;
import com.whatpro.hub.chatwoot.ChatwootRejected;
import com.whatpro.hub.chatwoot.ChatwootRequestInvalid;
import com.whatpro.hub.chatwoot.ChatwootUnavailable;
import com.whatpro.hub.platform.AccountId;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/**
 * Asks the account's Chatwoot, with the stored token, for its inboxes: whether it answers, takes the token for that
 * account, and has the connection's inbox. A wrong token or account otherwise shows only when the first message fails.
 */
@Service
class ChatwootConnectionCheck {

    private final ChatwootConnections connections;

    ChatwootConnectionCheck(ChatwootConnections connections) {
        this.connections = connections;
    }

    /**
     * What Chatwoot said.
     *
     * @param problem {@code unreachable}, {@code token-refused}, {@code chatwoot-error} or {@code inbox-not-found};
     *        null when all is well
     * @param inboxId the connection's inbox
     * @param inboxApiChannel whether the connection's inbox is an API channel (Chatwoot shows delivery statuses only
     *        there); null without an inbox or when it was not found
     */
    record Result(boolean ok, @Nullable String problem, String detail, @Nullable Long inboxId,
            @Nullable Boolean inboxApiChannel) {
    }

    /** Empty when the account has no connection; call in the account's scope. */
    Optional<Result> check(AccountId account) {
        return connections.link(account).map(link -> {
            var connection = link.connection();
            try {
                var inboxes = link.client().inboxes();
                if (connection.inboxId() == null) {
                    return new Result(true, null, "Chatwoot answered and accepts the token.", null, null);
                }
                var inbox = inboxes.stream().filter(found -> found.id() == connection.inboxId()).findFirst();
                if (inbox.isEmpty()) {
                    return new Result(false, "inbox-not-found", "Chatwoot accepts the token, but account "
                            + connection.chatwootAccountId() + " has no inbox " + connection.inboxId() + ".",
                            connection.inboxId(), null);
                }
                return new Result(true, null, "Chatwoot answered and accepts the token; inbox " + connection.inboxId()
                        + " is a " + inbox.get().channelType() + " inbox.", connection.inboxId(),
                        inbox.get().apiChannel());
            } catch (ChatwootRejected e) {
                return failed("token-refused", e);
            } catch (ChatwootUnavailable e) {
                return failed("unreachable", e);
            } catch (ChatwootRequestInvalid e) {
                return failed("chatwoot-error", e); // the outbound policy's refusal of its address too
            }
        });
    }

    /** The failure's message names what was tried and what Chatwoot answered; never a token or a body. */
    private static Result failed(String problem, ChatwootException e) {
        return new Result(false, problem, Objects.requireNonNullElse(e.getMessage(), problem), null, null);
    }
}
