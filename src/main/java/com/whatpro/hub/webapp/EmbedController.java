package com.whatpro.hub.webapp;

import java.util.Locale;
import java.util.UUID;

import com.whatpro.hub.identity.WebSessions;
import com.whatpro.hub.kanban.ContactRef;
import com.whatpro.hub.kanban.ConversationCards;
import com.whatpro.hub.platform.AccountId;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * The Chatwoot Dashboard App: the page Chatwoot shows beside a conversation. Chatwoot's ids
 * arrive by {@code postMessage} and are only hints: the Chatwoot account must be one of the
 * signed-in user's hub accounts, and the card is looked up in that account only.
 */
@Hidden
@Controller
class EmbedController {

    private final WebSessions sessions;
    private final Pages pages;
    private final ConversationCards conversations;
    private final boolean secureCookies;

    EmbedController(WebSessions sessions, Pages pages, ConversationCards conversations,
            @Value("${whatpro.identity.secure-cookie:true}") boolean secureCookies) {
        this.sessions = sessions;
        this.pages = pages;
        this.conversations = conversations;
        this.secureCookies = secureCookies;
    }

    record ConversationCard(long accountId, @Nullable UUID cardId, @Nullable UUID boardId, @Nullable String boardUrl) {
    }

    record NewConversationCard(@Positive long chatwootAccountId, @Positive long conversationId,
            @Nullable @Size(max = 200) String contactName, @Nullable @Positive Long chatwootContactId) {
    }

    @GetMapping("/app/embed")
    String embed(@RequestParam(required = false) @Nullable String error, HttpServletRequest request, Model model,
            Locale locale) {
        return page(error == null ? null : "login.error.credentials", request, model, locale);
    }

    private String page(@Nullable String error, HttpServletRequest request, Model model, Locale locale) {
        var user = SignedIn.user(request);
        pages.language(model, locale, "/app/embed");
        model.addAttribute("scriptMessages", pages.scriptMessages(locale));
        model.addAttribute("chatwootOrigin", WebAppSecurity.chatwootOrigin(pages.chatwootSettings()));
        if (error != null) {
            model.addAttribute("error", error);
        }
        user.ifPresent(signedIn -> model.addAttribute("user", signedIn));
        return "app/embed";
    }

    /**
     * A wrong e-mail or password comes back to the page as {@code ?error}; a refusal that says when to try again (a
     * rate limit, 429; a server busy checking passwords, 503) is answered with the page itself, with that status and
     * {@code Retry-After}, as the sign-in page does.
     */
    @PostMapping("/app/embed/login")
    String signIn(@RequestParam(defaultValue = "") String email, @RequestParam(defaultValue = "") String password,
            HttpServletRequest request, HttpServletResponse response, Model model, Locale locale) {
        if (email.isBlank() || password.isBlank() || email.length() > 320 || password.length() > 1024) {
            return "redirect:/app/embed?error";
        }
        return switch (sessions.withPassword(email, password, request)) {
            case WebSessions.SignIn.Opened opened -> {
                WebCookies.EMBED.open(response, opened.cookie(), opened.maxAge(), secureCookies);
                yield "redirect:/app/embed";
            }
            case WebSessions.SignIn.Refused refused when SignInErrors.retryAfterSeconds(refused.reason()) > 0 -> {
                response.setStatus(SignInErrors.status(refused.reason()).value());
                response.setHeader("Retry-After", Long.toString(SignInErrors.retryAfterSeconds(refused.reason())));
                yield page(SignInErrors.key(refused.reason()), request, model, locale);
            }
            case WebSessions.SignIn.Refused refused -> "redirect:/app/embed?error";
            case WebSessions.SignIn.Throttled throttled -> {
                response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
                response.setHeader("Retry-After", Long.toString(throttled.retryAfterSeconds()));
                model.addAttribute("retryMinutes", SignInErrors.retryMinutes(throttled.retryAfterSeconds()));
                yield page(SignInErrors.key(throttled.limit()), request, model, locale);
            }
        };
    }

    /** The card of a Chatwoot conversation, in the user's hub account linked to that Chatwoot account. */
    @GetMapping("/app/embed/conversation")
    @ResponseBody
    ResponseEntity<ConversationCard> conversation(@RequestParam(name = "chatwoot_account_id") long chatwootAccountId,
            @RequestParam(name = "conversation_id") long conversationId, HttpServletRequest request) {
        var user = SignedIn.user(request);
        if (user.isEmpty()) {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).build();
        }
        var account = account(user.get(), chatwootAccountId);
        if (account == null || conversationId <= 0) {
            return ResponseEntity.notFound().build();
        }
        var card = conversations.cardOf(AccountId.of(account.id()), conversationId);
        return ResponseEntity.ok(new ConversationCard(account.id(), card.map(c -> c.cardId()).orElse(null),
                card.map(c -> c.boardId()).orElse(null),
                card.map(c -> "/app/a/" + account.id() + "/board?board=" + c.boardId() + "&card=" + c.cardId()).orElse(null)));
    }

    /** Puts the conversation on a card (the contact's open card, or a new one on the default board). */
    @PostMapping("/app/embed/conversation")
    @ResponseBody
    ResponseEntity<ConversationCard> attach(@Valid @RequestBody NewConversationCard body, HttpServletRequest request) {
        var user = SignedIn.user(request);
        if (user.isEmpty()) {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).build();
        }
        var account = account(user.get(), body.chatwootAccountId());
        if (account == null) {
            return ResponseEntity.notFound().build();
        }
        var card = conversations.attach(AccountId.of(account.id()),
                new ContactRef(body.contactName(), null, body.chatwootContactId()), body.conversationId());
        return ResponseEntity.ok(new ConversationCard(account.id(), card.cardId(), card.boardId(),
                "/app/a/" + account.id() + "/board?board=" + card.boardId() + "&card=" + card.cardId()));
    }

    private Pages.@Nullable AccountChoice account(WebSessions.WebUser user, long chatwootAccountId) {
        return pages.accountsOf(user).stream()
                .filter(a -> a.chatwootAccountId() != null && a.chatwootAccountId() == chatwootAccountId)
                .findFirst().orElse(null);
    }
}
