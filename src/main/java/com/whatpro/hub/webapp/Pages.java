package com.whatpro.hub.webapp;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import com.whatpro.hub.accounts.Account;
import com.whatpro.hub.accounts.Accounts;
import com.whatpro.hub.chatwoot.ChatwootSettings;
import com.whatpro.hub.identity.WebSessions;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Tenancy;
import com.whatpro.hub.platform.security.Permission;
import com.whatpro.hub.platform.security.Role;

import org.jspecify.annotations.Nullable;
import org.springframework.context.MessageSource;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.ui.Model;
import org.springframework.web.server.ResponseStatusException;

import tools.jackson.databind.json.JsonMapper;

/** What every page of the web app shows around its content: who is signed in, their accounts, the language. */
@Component
class Pages {

    /** The texts the board's and the embed's scripts show, handed to them as JSON in a data attribute. */
    static final List<String> SCRIPT_MESSAGES = List.of(
            "js.moveTo", "js.moveUp", "js.moveDown", "js.moved", "js.movedWithin", "js.moveFailed", "js.addCard",
            "js.cardTitle", "js.amount", "js.currency", "js.save", "js.cancel", "js.create", "js.loadMore",
            "js.overdue", "js.due", "js.unassigned", "js.card", "js.cards", "js.wip", "js.wipOver", "js.live", "js.offline",
            "js.reconnecting", "js.created", "js.updated", "js.deleted", "js.remoteMoved", "js.close", "js.title",
            "js.contact", "js.phone", "js.priority", "js.assignee", "js.labels", "js.labelsHint", "js.dueDate",
            "js.checklist", "js.addItem", "js.required", "js.history", "js.conversations", "js.openInChatwoot",
            "js.archive", "js.delete", "js.confirmDelete", "js.saved", "js.error", "js.conflict", "js.notAllowed",
            "js.readOnly", "js.priority.low", "js.priority.normal", "js.priority.high", "js.priority.urgent",
            "js.empty", "js.noConversation", "js.createCardForConversation", "js.stage", "js.openBoard",
            "js.waitingForChatwoot", "js.cardOfConversation", "js.noCardYet", "js.action.created",
            "js.action.updated", "js.action.moved", "js.action.archived", "js.action.checklist", "js.position",
            "js.toStage", "js.done", "js.signInAgain", "js.rateLimited", "js.busy", "js.filtered", "js.customFields",
            "js.inStage", "js.inStageSince", "js.exported");

    /** The texts of the administrators' pages' script. */
    static final List<String> ADMIN_SCRIPT_MESSAGES = List.of(
            "js.error", "js.signInAgain", "js.rateLimited", "js.busy", "js.conflict", "js.saved", "js.save",
            "js.delete", "adm.revoke", "adm.revoked", "adm.keyRevoked", "adm.remove", "adm.removed",
            "adm.confirmRemove", "adm.confirmRevoke", "adm.confirmDeleteTeam", "adm.created", "adm.copied",
            "adm.active", "adm.expired", "adm.never", "adm.empty", "adm.replay", "adm.replayed", "adm.notConnected",
            "adm.tokenKept", "adm.soft", "adm.hard", "adm.members", "adm.addMember", "adm.system", "adm.added",
            "adm.role.agent", "adm.role.supervisor", "adm.role.admin", "adm.changeRole", "adm.noMore",
            "adm.checkOk", "adm.checkInboxNotApi", "adm.check.unreachable", "adm.check.token-refused",
            "adm.check.chatwoot-error", "adm.check.inbox-not-found",
            "num.status.connected", "num.status.connecting", "num.status.disconnected", "num.status.refused",
            "num.status.error", "num.status.unknown", "num.webhookManual", "num.webhookRegistered",
            "num.webhookFailed", "num.connect", "num.logout", "num.restart", "num.confirmLogout", "num.loggedOut",
            "num.restarted", "num.deleted", "num.expiresIn", "num.codeExpired", "num.connectedAs", "num.inboxOwn",
            "num.inboxShared", "num.makeInbox", "num.inboxReady", "num.inboxNeedsChatwoot");

    /** Which administrators' pages a role reaches, for the navigation. */
    record AdminLinks(boolean settings, boolean audit, boolean deadLetters) {
        static AdminLinks of(Role role) {
            return new AdminLinks(Permission.USERS_WRITE.grantedTo(role) || Permission.STAGES_WRITE.grantedTo(role),
                    Permission.AUDIT_READ.grantedTo(role), Permission.GATEWAY_MANAGE.grantedTo(role));
        }
    }

    private final Accounts accounts;
    private final MessageSource messages;
    private final JsonMapper json;
    private final ChatwootSettings chatwoot;

    Pages(Accounts accounts, MessageSource messages, JsonMapper json, ChatwootSettings chatwoot) {
        this.accounts = accounts;
        this.messages = messages;
        this.json = json;
        this.chatwoot = chatwoot;
    }

    /** An account the user may open, with their role in it. */
    record AccountChoice(long id, String name, Role role, @Nullable Long chatwootAccountId) {
    }

    List<AccountChoice> accountsOf(WebSessions.WebUser user) {
        if (user.superAdmin()) {
            return Tenancy.callAsPlatform(accounts::all).stream()
                    .filter(account -> account.status() == Account.Status.ACTIVE)
                    .map(account -> new AccountChoice(account.id().value(), account.name(),
                            Role.SUPER_ADMIN,
                            account.chatwootAccountId()))
                    .toList();
        }
        return user.memberships().stream()
                .map(m -> new AccountChoice(m.accountId(), m.accountName(), m.role(), chatwootAccountId(m.accountId())))
                .toList();
    }

    /** One of the user's accounts; any other id is answered as if it did not exist. */
    AccountChoice account(WebSessions.WebUser user, long accountId) {
        return accountsOf(user).stream().filter(a -> a.id() == accountId).findFirst()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
    }

    private @Nullable Long chatwootAccountId(long account) {
        return Tenancy.callAs(AccountId.of(account), () -> accounts.find(AccountId.of(account)))
                .map(Account::chatwootAccountId).orElse(null);
    }

    void frame(Model model, WebSessions.WebUser user, Locale locale, String path) {
        model.addAttribute("user", user);
        model.addAttribute("accounts", accountsOf(user));
        language(model, locale, path);
    }

    void language(Model model, Locale locale, String path) {
        var english = locale.getLanguage().equals("en");
        model.addAttribute("lang", english ? "en" : "pt-BR");
        model.addAttribute("otherLang", english ? "pt-BR" : "en");
        model.addAttribute("otherLangName", english ? "Português" : "English");
        model.addAttribute("path", path);
    }

    String scriptMessages(Locale locale) {
        return scriptMessages(locale, SCRIPT_MESSAGES);
    }

    /** The texts, keyed without their first part ({@code js.save} is {@code save}). */
    String scriptMessages(Locale locale, List<String> keys) {
        Map<String, String> texts = keys.stream().collect(Collectors.toMap(
                key -> key.substring(key.indexOf('.') + 1), key -> messages.getMessage(key, null, locale)));
        return json.writeValueAsString(texts);
    }

    ChatwootSettings chatwootSettings() {
        return chatwoot;
    }

    /** The base of links into Chatwoot's conversations of an account, or null without Chatwoot. */
    @Nullable String chatwootConversationBase(@Nullable Long chatwootAccountId) {
        var url = chatwoot.url();
        if (url == null || chatwootAccountId == null) {
            return null;
        }
        var base = url.toString().replaceAll("/+$", "");
        return base + "/app/accounts/" + chatwootAccountId + "/conversations/";
    }
}
