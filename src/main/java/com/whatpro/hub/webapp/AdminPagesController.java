package com.whatpro.hub.webapp;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import com.whatpro.hub.accounts.Entitlements;
import com.whatpro.hub.accounts.Limit;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Tenancy;
import com.whatpro.hub.platform.security.Permission;
import com.whatpro.hub.platform.security.Scopes;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.server.ResponseStatusException;

/**
 * The administrators' pages of an account: settings (users, teams, API keys, Chatwoot, stages,
 * plan), the audit log and the dead letters. Each page checks the signed-in user's role in that
 * account before it renders; the data comes from the JSON API, which checks again on every call.
 */
@Hidden
@Controller
class AdminPagesController {

    /** A settings page and the permission it needs (the same the API asks for its writes). */
    enum Section {
        USERS("users", Permission.USERS_WRITE),
        TEAMS("teams", Permission.TEAMS_WRITE),
        API_KEYS("api-keys", Permission.API_KEYS_MANAGE),
        CHATWOOT("chatwoot", Permission.CHATWOOT_MANAGE),
        STAGES("stages", Permission.STAGES_WRITE),
        PLAN("plan", Permission.ENTITLEMENTS_READ);

        private final String path;
        private final Permission permission;

        Section(String path, Permission permission) {
            this.path = path;
            this.permission = permission;
        }

        public String path() {
            return path;
        }

        public String messageKey() {
            return "settings." + (this == API_KEYS ? "apiKeys" : path);
        }

        static @Nullable Section of(String path) {
            return Arrays.stream(values()).filter(s -> s.path.equals(path)).findFirst().orElse(null);
        }
    }

    /** One line of the plan page: what is used of a limit. */
    record Usage(String key, long used, @Nullable Long max, int percent) {
    }

    private final Pages pages;
    private final Entitlements entitlements;

    AdminPagesController(Pages pages, Entitlements entitlements) {
        this.pages = pages;
        this.entitlements = entitlements;
    }

    @GetMapping("/app/a/{accountId}/settings")
    String settings(@PathVariable long accountId, HttpServletRequest request) {
        var account = pages.account(SignedIn.required(request), accountId);
        return Arrays.stream(Section.values()).filter(s -> s.permission.grantedTo(account.role())).findFirst()
                .map(s -> "redirect:/app/a/" + accountId + "/settings/" + s.path())
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.FORBIDDEN));
    }

    @GetMapping("/app/a/{accountId}/settings/{section}")
    String section(@PathVariable long accountId, @PathVariable String section, HttpServletRequest request, Model model,
            Locale locale) {
        var chosen = Section.of(section);
        if (chosen == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        var account = page(accountId, chosen.permission, request, model, locale);
        model.addAttribute("section", chosen);
        model.addAttribute("sections", Arrays.stream(Section.values())
                .filter(s -> s.permission.grantedTo(account.role())).toList());
        model.addAttribute("scopes", Scopes.ALL.stream().sorted().toList());
        if (chosen == Section.PLAN) {
            plan(account, model);
        }
        return "app/settings";
    }

    @GetMapping("/app/a/{accountId}/audit")
    String audit(@PathVariable long accountId, HttpServletRequest request, Model model, Locale locale) {
        page(accountId, Permission.AUDIT_READ, request, model, locale);
        return "app/audit";
    }

    /** The account's WhatsApp numbers: everyone sees them and their state; admins add them. */
    @GetMapping("/app/a/{accountId}/numbers")
    String numbers(@PathVariable long accountId, HttpServletRequest request, Model model, Locale locale) {
        var account = page(accountId, Permission.PROVIDERS_READ, request, model, locale);
        model.addAttribute("canManage", Permission.PROVIDERS_WRITE.grantedTo(account.role()));
        return "app/numbers";
    }

    @GetMapping("/app/a/{accountId}/dead-letters")
    String deadLetters(@PathVariable long accountId, HttpServletRequest request, Model model, Locale locale) {
        page(accountId, Permission.GATEWAY_MANAGE, request, model, locale);
        return "app/dead-letters";
    }

    private Pages.AccountChoice page(long accountId, Permission permission, HttpServletRequest request,
            Model model, Locale locale) {
        var user = SignedIn.required(request);
        var account = pages.account(user, accountId);
        pages.frame(model, user, locale, request.getRequestURI());
        model.addAttribute("account", account);
        model.addAttribute("adminLinks", Pages.AdminLinks.of(account.role()));
        if (!permission.grantedTo(account.role())) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN);
        }
        model.addAttribute("scriptMessages", pages.scriptMessages(locale, Pages.ADMIN_SCRIPT_MESSAGES));
        return account;
    }

    private void plan(Pages.AccountChoice account, Model model) {
        var id = AccountId.of(account.id());
        var effective = Tenancy.callAs(id, () -> entitlements.of(id));
        var usage = Tenancy.callAs(id, () -> entitlements.usage(id));
        List<Usage> lines = Arrays.stream(Limit.values()).map(limit -> {
            var used = usage.getOrDefault(limit, 0L);
            var max = effective.unlimited(limit) ? null : effective.limits().get(limit);
            var percent = max == null || max <= 0 ? 0 : (int) Math.min(100, used * 100 / max);
            return new Usage(limit.usageKey(), used, max, percent);
        }).toList();
        model.addAttribute("plan", effective.plan());
        model.addAttribute("usage", lines);
    }
}
