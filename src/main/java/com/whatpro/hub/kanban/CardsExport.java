package com.whatpro.hub.kanban;

import com.whatpro.hub.identity.Memberships;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.KeyedTurns;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A board's cards as CSV for a spreadsheet (RFC 4180, UTF-8 with a byte order mark so spreadsheets read accents), with
 * the list's filters, in the board's order. Cells a spreadsheet would run as a formula are quoted with a leading
 * apostrophe (OWASP's advice against CSV injection). Every export is audited ({@code board.exported}).
 */
@Service
class CardsExport {

    static final int MAX_CARDS = 10_000;
    private static final int PAGE = 200;
    private static final List<String> HEADER = List.of("id", "title", "stage", "contact_name", "contact_phone",
            "amount", "currency", "priority", "labels", "assignee", "assignee_email", "due_at", "in_stage_since",
            "overdue", "created_at");

    private final Cards cards;
    private final Stages stages;
    private final Memberships memberships;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;
    private final KeyedTurns<AccountId> running = new KeyedTurns<>();

    CardsExport(Cards cards, Stages stages, Memberships memberships, ApplicationEventPublisher events,
            PlatformTransactionManager transactions) {
        this.transactions = new TransactionTemplate(transactions);
        this.cards = cards;
        this.stages = stages;
        this.memberships = memberships;
        this.events = events;
    }

    /** The file and how many cards it holds. */
    record Export(String csv, int cards) {
    }

    /**
     * @throws ApiProblem 422 {@code export-too-large} when more than {@link #MAX_CARDS} cards match; 429 while another
     *         export of the account runs on this node (one at a time, so one account's exports cannot fill the pool)
     */
    Export csv(AccountId account, UUID board, Cards.Filters filters, Actor actor) {
        return running.ifFree(account, () -> write(account, board, filters, actor))
                .orElseThrow(() -> ApiProblem.tooManyRequests(
                        "Another export of this account is running; try again when it is done.", 5));
    }

    private Export write(AccountId account, UUID board, Cards.Filters filters, Actor actor) {
        var stageNames = stages.ofBoard(account, board).stream()
                .collect(Collectors.toMap(Stages.Stage::id, Stages.Stage::name));
        var assignees = new HashMap<UUID, Optional<Memberships.Member>>();
        var out = new StringBuilder("\uFEFF");
        row(out, HEADER);
        int count = 0;
        String cursor = null;
        do {
            var page = cards.list(account, board, filters, cursor, PAGE);
            for (var card : page.items()) {
                if (++count > MAX_CARDS) {
                    throw new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "export-too-large",
                            "Too many cards", "More than " + MAX_CARDS + " cards match; narrow the filters.");
                }
                var assignee = card.assigneeId() == null ? Optional.<Memberships.Member>empty()
                        : assignees.computeIfAbsent(card.assigneeId(), id -> memberships.member(account, id));
                row(out, Arrays.asList(card.id().toString(), card.title(),
                        stageNames.getOrDefault(card.stageId(), ""), card.contact().name(), card.contact().phone(),
                        amount(card.amountMinor(), card.currency()), card.currency(), card.priority(),
                        String.join("; ", card.labels()), assignee.map(Memberships.Member::name).orElse(null),
                        assignee.map(Memberships.Member::email).orElse(null), text(card.dueAt()),
                        card.enteredStageAt().toString(), Boolean.toString(card.overdue()),
                        card.createdAt().toString()));
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        // kanban events are published in a transaction, as the audit log and the other listeners expect
        var exported = new BoardChanged(account, board, "board.exported", changes(filters, count), actor.id());
        transactions.executeWithoutResult(status -> events.publishEvent(exported));
        return new Export(out.toString(), count);
    }

    private static Map<String, @Nullable Object> changes(Cards.Filters filters, int count) {
        var changes = new LinkedHashMap<String, @Nullable Object>();
        changes.put("cards", count);
        changes.put("stage_id", filters.stageId());
        changes.put("assignee_id", filters.assigneeId());
        changes.put("label", filters.label());
        changes.put("priority", filters.priority());
        changes.put("q", filters.q());
        changes.put("overdue", filters.overdue());
        changes.put("archived", filters.archived() ? true : null);
        changes.values().removeIf(Objects::isNull);
        return changes;
    }

    private static @Nullable String amount(@Nullable Long minor, @Nullable String currency) {
        if (minor == null) {
            return null;
        }
        int digits = 2;
        if (currency != null) {
            try {
                digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
            } catch (IllegalArgumentException unknown) {
                digits = 2;
            }
        }
        return BigDecimal.valueOf(minor, digits).toPlainString();
    }

    private static @Nullable String text(@Nullable Object value) {
        return value == null ? null : value.toString();
    }

    private static void row(StringBuilder out, List<@Nullable String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(cell(cells.get(i)));
        }
        out.append("\r\n");
    }

    /** RFC 4180 quoting; a leading =, +, -, @, tab or carriage return gets an apostrophe so it stays text. */
    private static String cell(@Nullable String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        var safe = "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (safe.indexOf(',') < 0 && safe.indexOf('"') < 0 && safe.indexOf('\n') < 0 && safe.indexOf('\r') < 0) {
            return safe;
        }
        return '"' + safe.replace("\"", "\"\"") + '"';
    }
}
