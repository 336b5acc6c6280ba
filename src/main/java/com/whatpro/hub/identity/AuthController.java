package com.whatpro.hub.identity;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.whatpro.hub.accounts.Accounts;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.security.Callers;
import com.whatpro.hub.platform.security.Public;
import com.whatpro.hub.platform.security.SignedIn;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/auth")
@Tag(name = "Auth")
class AuthController {

    static final String REFRESH_COOKIE = "whatpro_refresh";

    private final Logins logins;
    private final ChatwootSso sso;
    private final SessionRegistry sessions;
    private final Users users;
    private final Memberships memberships;
    private final Accounts accounts;
    private final IdentitySettings settings;

    AuthController(Logins logins, ChatwootSso sso, SessionRegistry sessions, Users users, Memberships memberships,
            Accounts accounts, IdentitySettings settings) {
        this.logins = logins;
        this.sso = sso;
        this.sessions = sessions;
        this.users = users;
        this.memberships = memberships;
        this.accounts = accounts;
        this.settings = settings;
    }

    record LoginRequest(@NotBlank @Size(max = 320) String email, @NotBlank @Size(max = 1024) String password) {

        /** Spring MVC logs bodies at DEBUG: neither field is shown, since a password is often typed as the e-mail. */
        @Override
        public String toString() {
            return "LoginRequest[email=***, password=***]";
        }
    }

    record SsoRequest(@NotBlank @Size(max = 512) String token) {
    }

    record RefreshRequest(@Nullable String refreshToken) {
    }

    record UserView(UUID id, String email, String name, boolean isSuperAdmin) {
        static UserView of(Users.User user) {
            return new UserView(user.id(), user.email(), user.name(), user.superAdmin());
        }
    }

    record TokenResponse(String accessToken, String tokenType, long expiresIn, UserView user) {
    }

    record MembershipView(long accountId, String accountName, String role) {
    }

    record MeResponse(UserView user, List<MembershipView> memberships) {
    }

    record SessionView(UUID id, @Nullable String userAgent, @Nullable String ipAddress, Instant createdAt,
            Instant lastSeenAt, boolean current) {
    }

    record SessionList(List<SessionView> items) {
    }

    @PostMapping("/login")
    @Public
    @Operation(summary = "Sign in with email and password; the refresh token comes as the whatpro_refresh cookie")
    ResponseEntity<TokenResponse> login(@Valid @RequestBody LoginRequest request, HttpServletRequest http) {
        return switch (logins.login(request.email(), request.password(), ClientInfo.of(http))) {
            case Logins.Outcome.Granted granted -> granted(granted.grant());
            case Logins.Outcome.Refused refused -> throw ApiProblem.unauthorized("Invalid email or password.");
            case Logins.Outcome.Throttled throttled -> throw ApiProblem.tooManyRequests(
                    "Too many failed sign-ins for this email; try again later.", throttled.retryAfterSeconds())
                    .with("scope", "email");
        };
    }

    @PostMapping("/sso")
    @Public
    @Operation(summary = "Sign in with a Chatwoot user access token",
            description = "The token must be a user access token of the Chatwoot installation WHATPRO_CHATWOOT_URL. "
                    + "The hub user linked to that Chatwoot user (installation and user id) is signed in; without "
                    + "one, a new user is created, or the hub user with the same e-mail is linked if they have no "
                    + "password and are not super_admin. A hub user with a password or super_admin gets 409 "
                    + "urn:whatpro:problem:chatwoot-link-required and links Chatwoot once with POST "
                    + "/api/v1/auth/chatwoot-link while signed in. Memberships follow the Chatwoot accounts, only in "
                    + "accounts whose plan includes chatwoot_sso. 401 if Chatwoot rejects the token, 503 if it "
                    + "cannot be reached.")
    ResponseEntity<TokenResponse> sso(@Valid @RequestBody SsoRequest request, HttpServletRequest http) {
        return granted(sso.login(request.token(), ClientInfo.of(http)));
    }

    @PostMapping("/chatwoot-link")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @SignedIn
    @Operation(summary = "Link the signed-in user to their Chatwoot user (of WHATPRO_CHATWOOT_URL); 204",
            description = "token is a user access token of the Chatwoot installation WHATPRO_CHATWOOT_URL; from then "
                    + "on POST /api/v1/auth/sso with that Chatwoot user signs in as the caller. A link the caller "
                    + "had before is replaced; links and unlinks are audited. 409 "
                    + "urn:whatpro:problem:chatwoot-already-linked if that Chatwoot user is linked to another hub "
                    + "user, 401 if Chatwoot rejects the token, 503 if it cannot be reached.")
    ResponseEntity<Void> linkChatwoot(@Valid @RequestBody SsoRequest request) {
        sso.link(Callers.user().userId(), request.token());
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/refresh")
    @Public
    @Operation(summary = "Rotate the refresh token (cookie, or refresh_token in the body) for a new access token")
    ResponseEntity<TokenResponse> refresh(@CookieValue(name = REFRESH_COOKIE, required = false) @Nullable String cookie,
            @RequestBody(required = false) @Nullable RefreshRequest body, HttpServletRequest http) {
        var token = body != null && body.refreshToken() != null && !body.refreshToken().isBlank()
                ? body.refreshToken() : cookie;
        if (token == null || token.isBlank()) {
            throw ApiProblem.unauthorized("A refresh token is required.");
        }
        return switch (sessions.refresh(token.strip(), ClientInfo.of(http))) {
            case SessionRegistry.Refresh.Rotated rotated -> granted(rotated.grant());
            case SessionRegistry.Refresh.Reused reused -> throw ApiProblem.unauthorized(
                    "This refresh token was already used; the session has been revoked.");
            case SessionRegistry.Refresh.Refused refused -> throw ApiProblem.unauthorized(
                    "The refresh token is invalid or its session has ended.");
        };
    }

    @Operation(summary = "Sign out: end this session and clear the refresh cookie")
    @PostMapping("/logout")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @SignedIn
    ResponseEntity<Void> logout() {
        var user = Callers.user();
        sessions.revoke(user.sessionId(), user.userId(), "logout", user.userId());
        return ResponseEntity.noContent().header(HttpHeaders.SET_COOKIE, cookie("", Duration.ZERO).toString()).build();
    }

    @Operation(summary = "The signed-in user and their accounts and roles")
    @GetMapping("/me")
    @SignedIn
    MeResponse me() {
        var caller = Callers.user();
        var user = users.byId(caller.userId()).orElseThrow(() -> ApiProblem.unauthorized("Unknown user."));
        var roles = memberships.rolesOf(caller.userId());
        var views = accounts.all(roles.keySet()).stream()
                .map(account -> new MembershipView(account.id().value(), account.name(), roles.get(account.id()).json()))
                .toList();
        return new MeResponse(UserView.of(user), views);
    }

    @Operation(summary = "List the signed-in user's sessions")
    @GetMapping("/sessions")
    @SignedIn
    SessionList sessions() {
        var caller = Callers.user();
        return new SessionList(sessions.active(caller.userId()).stream()
                .map(s -> new SessionView(s.id(), s.userAgent(), s.ipAddress(), s.createdAt(), s.lastSeenAt(),
                        s.id().equals(caller.sessionId())))
                .toList());
    }

    @Operation(summary = "End one of the user's sessions")
    @DeleteMapping("/sessions/{sessionId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @SignedIn
    ResponseEntity<Void> revoke(@PathVariable UUID sessionId) {
        var caller = Callers.user();
        if (!sessions.revoke(sessionId, caller.userId(), "revoked_by_user", caller.userId())) {
            throw ApiProblem.notFound("session");
        }
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "End all of the user's other sessions")
    @DeleteMapping("/sessions")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @SignedIn
    ResponseEntity<Void> revokeOthers() {
        var caller = Callers.user();
        sessions.revokeAllExcept(caller.userId(), caller.sessionId(), caller.userId());
        return ResponseEntity.noContent().build();
    }

    private ResponseEntity<TokenResponse> granted(SessionRegistry.Grant grant) {
        var user = users.byId(grant.userId()).orElseThrow();
        var maxAge = Duration.between(Instant.now(), grant.refreshExpiresAt());
        return ResponseEntity.ok()
                .header(HttpHeaders.SET_COOKIE, cookie(grant.refreshToken(), maxAge).toString())
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(new TokenResponse(grant.access().token(), "Bearer", grant.access().expiresInSeconds(),
                        UserView.of(user)));
    }

    private ResponseCookie cookie(String value, Duration maxAge) {
        return ResponseCookie.from(REFRESH_COOKIE, value)
                .httpOnly(true)
                .secure(settings.secureCookie())
                .sameSite("Strict")
                .path("/api/v1/auth")
                .maxAge(maxAge)
                .build();
    }
}
