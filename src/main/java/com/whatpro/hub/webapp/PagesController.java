package com.whatpro.hub.webapp;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;
import java.util.UUID;

import com.whatpro.hub.identity.WebSessions;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.LocaleResolver;

/** Sign-in, the board, the language switch and the user's sessions. */
@Hidden
@Controller
class PagesController {

    private final WebSessions sessions;
    private final Pages pages;
    private final LocaleResolver locales;
    private final boolean secureCookies;

    PagesController(WebSessions sessions, Pages pages, LocaleResolver locales,
            @Value("${whatpro.identity.secure-cookie:true}") boolean secureCookies) {
        this.sessions = sessions;
        this.pages = pages;
        this.locales = locales;
        this.secureCookies = secureCookies;
    }

    @GetMapping("/")
    String root() {
        return "redirect:/app";
    }

    @GetMapping("/app")
    String home(HttpServletRequest request, Model model, Locale locale) {
        var user = SignedIn.required(request);
        var accounts = pages.accountsOf(user);
        if (accounts.isEmpty()) {
            pages.frame(model, user, locale, "/app");
            return "app/no-account";
        }
        return "redirect:/app/a/" + accounts.getFirst().id() + "/board";
    }

    @GetMapping("/app/login")
    String login(@RequestParam(required = false) @Nullable String next, @RequestParam(required = false) @Nullable String error,
            HttpServletRequest request, Model model, Locale locale) {
        if (SignedIn.user(request).isPresent()) {
            return SignedIn.redirectToNext(next);
        }
        pages.language(model, locale, "/app/login");
        model.addAttribute("next", SignedIn.safeNext(next));
        if ("expired".equals(error)) {
            model.addAttribute("error", "login.error.expired");
        }
        return "app/login";
    }

    @PostMapping("/app/login")
    String passwordSignIn(@RequestParam(defaultValue = "") String email, @RequestParam(defaultValue = "") String password,
            @RequestParam(required = false) @Nullable String next, HttpServletRequest request,
            HttpServletResponse response, Model model, Locale locale) {
        if (email.isBlank() || password.isBlank() || email.length() > 320 || password.length() > 1024) {
            return refused(model, locale, next, email, "login.error.missing", HttpStatus.UNPROCESSABLE_CONTENT, response);
        }
        return outcome(sessions.withPassword(email, password, request), next, email, request, response, model, locale);
    }

    @PostMapping("/app/login/chatwoot")
    String chatwootSignIn(@RequestParam(defaultValue = "") String token, @RequestParam(required = false) @Nullable String next,
            HttpServletRequest request, HttpServletResponse response, Model model, Locale locale) {
        if (token.isBlank() || token.length() > 512) {
            return refused(model, locale, next, "", "login.error.tokenMissing", HttpStatus.UNPROCESSABLE_CONTENT, response);
        }
        return outcome(sessions.withChatwoot(token.strip(), request), next, "", request, response, model, locale);
    }

    private String outcome(WebSessions.SignIn signIn, @Nullable String next, String email, HttpServletRequest request,
            HttpServletResponse response, Model model, Locale locale) {
        return switch (signIn) {
            case WebSessions.SignIn.Opened opened -> {
                WebCookies.PAGES.open(response, opened.cookie(), opened.maxAge(), secureCookies);
                yield SignedIn.redirectToNext(next);
            }
            case WebSessions.SignIn.Refused refused -> {
                var retryAfter = SignInErrors.retryAfterSeconds(refused.reason());
                if (retryAfter > 0) {
                    response.setHeader("Retry-After", Long.toString(retryAfter));
                }
                yield refused(model, locale, next, email, SignInErrors.key(refused.reason()),
                        SignInErrors.status(refused.reason()), response);
            }
            case WebSessions.SignIn.Throttled throttled -> {
                response.setHeader("Retry-After", Long.toString(throttled.retryAfterSeconds()));
                model.addAttribute("retryMinutes", SignInErrors.retryMinutes(throttled.retryAfterSeconds()));
                yield refused(model, locale, next, email, SignInErrors.key(throttled.limit()), HttpStatus.TOO_MANY_REQUESTS,
                        response);
            }
        };
    }

    private String refused(Model model, Locale locale, @Nullable String next, String email, String error, HttpStatus status,
            HttpServletResponse response) {
        response.setStatus(status.value());
        pages.language(model, locale, "/app/login");
        model.addAttribute("next", SignedIn.safeNext(next));
        model.addAttribute("email", email);
        model.addAttribute("error", error);
        return "app/login";
    }

    @PostMapping("/app/logout")
    String logout(HttpServletRequest request, HttpServletResponse response) {
        sessions.signOut(WebCookies.PAGES.session(request, secureCookies));
        WebCookies.PAGES.clear(response, secureCookies);
        return "redirect:/app/login";
    }

    @GetMapping("/app/lang")
    String language(@RequestParam(name = "lang", required = false) @Nullable String language,
            @RequestParam(required = false) @Nullable String next, HttpServletRequest request, HttpServletResponse response) {
        locales.setLocale(request, response, WebLocales.supported(language));
        return SignedIn.redirectToNext(next);
    }

    @GetMapping("/app/a/{accountId}/board")
    String board(@PathVariable long accountId, HttpServletRequest request, Model model, Locale locale) {
        var user = SignedIn.required(request);
        var account = pages.account(user, accountId);
        var query = request.getQueryString();
        pages.frame(model, user, locale, request.getRequestURI() + (query == null ? "" : "?" + query));
        model.addAttribute("account", account);
        model.addAttribute("adminLinks", Pages.AdminLinks.of(account.role()));
        model.addAttribute("scriptMessages", pages.scriptMessages(locale));
        model.addAttribute("chatwootBase", pages.chatwootConversationBase(account.chatwootAccountId()));
        return "app/board";
    }

    /** Any other address under /app: a page that says so, in the person's language. */
    @RequestMapping("/app/**")
    String unknown() {
        throw new ResponseStatusException(HttpStatus.NOT_FOUND);
    }

    @GetMapping("/app/sessions")
    String sessionsPage(@RequestParam(required = false) @Nullable String revoked, HttpServletRequest request, Model model,
            Locale locale) {
        var user = SignedIn.required(request);
        pages.frame(model, user, locale, "/app/sessions");
        model.addAttribute("sessions", sessions.sessions(user));
        model.addAttribute("dates", DateTimeFormatter.ofLocalizedDateTime(FormatStyle.SHORT).withLocale(locale)
                .withZone(ZoneId.of("America/Sao_Paulo")));
        model.addAttribute("revoked", revoked != null);
        return "app/sessions";
    }

    @PostMapping("/app/sessions/{sessionId}/revoke")
    String revoke(@PathVariable UUID sessionId, HttpServletRequest request, HttpServletResponse response) {
        var htmx = Htmx.isRequest(request);
        var user = SignedIn.required(request);
        if (!sessions.revoke(user, sessionId)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        if (sessionId.equals(user.sessionId())) {
            WebCookies.PAGES.clear(response, secureCookies);
            if (htmx) {
                // htmx leaves the page on HX-Redirect; a 302 would only bring the sign-in page into the row
                response.setHeader("HX-Redirect", "/app/login");
                return "app/sessions :: revokedRow";
            }
            return "redirect:/app/login";
        }
        // htmx swaps just the row; without JavaScript the whole page comes back
        return htmx ? "app/sessions :: revokedRow" : "redirect:/app/sessions?revoked";
    }
}
