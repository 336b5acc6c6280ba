import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What automation rules add to a card move (single-file program: {@code java bench/automations/AutomationsBench.java
 * BASE_URL [MOVES [FIRING]]}). Creates accounts on the enterprise plan, each with a board of stages A and B and
 * one card: one without rules, and one per FIRING (default 25 and 50) with 100 rules of which FIRING fire on each
 * move (their conditions fail, so FIRING skipped runs are logged per move) and the rest wait on other triggers. It then
 * moves each account's card back and forth between A and B, the accounts taking turns, and reports the latency of
 * the move request per account (after a warm-up), the difference to the account without rules, and the service's
 * own timer of the rules' share of each move ({@code whatpro_automations_card_evaluation_seconds}, from
 * {@code /actuator/prometheus}, which answers the super_admin; {@code BENCH_MANAGEMENT_URL} when the service has its own
 * management port).
 * Signs in as the super_admin of {@code BENCH_ADMIN_EMAIL} / {@code BENCH_ADMIN_PASSWORD}.
 */
public class AutomationsBench {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final Pattern STAGE = Pattern.compile("\\{\"id\":\"([0-9a-f-]{36})\",\"board_id\":\"[0-9a-f-]{36}\",\"name\":\"([^\"]+)\"");
    static String base;
    static String token;

    record Account(String name, String id, String stageA, String stageB, String card) {
    }

    public static void main(String[] args) throws Exception {
        base = args[0].replaceAll("/$", "");
        var moves = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        var firing = args.length > 2 ? List.of(Integer.parseInt(args[2])) : List.of(25, 50);
        var warmup = moves / 5;
        token = login();
        var accounts = new ArrayList<Account>();
        accounts.add(account("no rules", 0));
        for (var count : firing) {
            accounts.add(account("100 rules, " + count + " fire", count));
        }
        var none = accounts.getFirst();
        var times = new LinkedHashMap<Account, List<Double>>();
        accounts.forEach(account -> times.put(account, new ArrayList<>()));
        for (int i = 0; i < warmup + moves; i++) {
            for (var account : accounts) {
                var stage = i % 2 == 0 ? account.stageB() : account.stageA();
                var start = System.nanoTime();
                var answer = send("POST", "/api/v1/accounts/" + account.id() + "/cards/" + account.card() + "/move",
                        "{\"stage_id\": \"" + stage + "\"}");
                var millis = (System.nanoTime() - start) / 1e6;
                if (answer.statusCode() != 200) {
                    throw new IllegalStateException("move answered " + answer.statusCode() + ": " + answer.body());
                }
                if (i >= warmup) {
                    times.get(account).add(millis);
                }
            }
        }
        var baseline = times.get(none);
        System.out.printf("%-22s %8s %8s %8s %8s %10s%n", "account", "moves", "p50 ms", "p95 ms", "p99 ms",
                "+p95 ms");
        for (var entry : times.entrySet()) {
            var list = entry.getValue();
            System.out.printf("%-22s %8d %8.2f %8.2f %8.2f %10.2f%n", entry.getKey().name(), list.size(),
                    percentile(list, 50), percentile(list, 95), percentile(list, 99),
                    percentile(list, 95) - percentile(baseline, 95));
        }
        // the service's own measure of the rules' share of each move (rules_fired: none, some)
        // on a service with its own management port (WHATPRO_MANAGEMENT_PORT), BENCH_MANAGEMENT_URL names it
        var management = System.getenv().getOrDefault("BENCH_MANAGEMENT_URL", base).replaceAll("/$", "");
        var metrics = HTTP.send(HttpRequest.newBuilder(URI.create(management + "/actuator/prometheus"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        if (metrics.statusCode() == 200) {
            metrics.body().lines().filter(line -> line.startsWith("whatpro_automations_card_evaluation_seconds{")
                    || line.startsWith("whatpro_automations_card_evaluation_seconds_count")).forEach(System.out::println);
        } else {
            System.out.println("GET /actuator/prometheus answered " + metrics.statusCode());
        }
    }

    /** An account with a board (stages A, B, Other), a card in A and 100 rules, {@code firing} of them on A and as many on B. */
    static Account account(String name, int firing) throws Exception {
        var id = field(call("POST", "/api/v1/accounts", "{\"name\": \"bench %s %d\", \"plan\": \"enterprise\"}"
                .formatted(name, System.nanoTime())), "id");
        var board = call("POST", "/api/v1/accounts/" + id + "/boards", """
                {"name": "bench", "stages": [{"name": "A"}, {"name": "B"}, {"name": "Other"},
                 {"name": "Won", "kind": "won"}, {"name": "Lost", "kind": "lost"}]}""");
        var stages = new LinkedHashMap<String, String>();
        var matcher = STAGE.matcher(board);
        while (matcher.find()) {
            stages.put(matcher.group(2), matcher.group(1));
        }
        var boardId = field(board, "id");
        var card = field(call("POST", "/api/v1/accounts/" + id + "/boards/" + boardId + "/cards",
                "{\"stage_id\": \"%s\", \"title\": \"bench card\", \"priority\": \"normal\"}".formatted(stages.get("A"))),
                "id");
        if (firing > 0) {
            for (int i = 0; i < 100; i++) {
                String trigger;
                if (i < 2 * firing) {
                    trigger = "{\"type\": \"card.entered_stage\", \"stage_id\": \"%s\"}"
                            .formatted(stages.get(i % 2 == 0 ? "A" : "B"));
                } else {
                    trigger = switch (i % 3) {
                        case 0 -> "{\"type\": \"card.entered_stage\", \"stage_id\": \"%s\"}".formatted(stages.get("Other"));
                        case 1 -> "{\"type\": \"card.created\"}";
                        default -> "{\"type\": \"card.idle\", \"hours\": 48}";
                    };
                }
                call("POST", "/api/v1/accounts/" + id + "/automations", """
                        {"name": "rule %d", "trigger": %s,
                         "conditions": [{"field": "priority", "op": "eq", "value": "urgent"},
                                        {"field": "amount_minor", "op": "gt", "value": 100000}],
                         "actions": [{"type": "add_label", "label": "hot"},
                                     {"type": "set_field", "field": "priority", "value": "high"}]}"""
                        .formatted(i, trigger));
            }
        }
        return new Account(name, id, stages.get("A"), stages.get("B"), card);
    }

    static double percentile(List<Double> values, int p) {
        var sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    static String login() throws Exception {
        var email = System.getenv().getOrDefault("BENCH_ADMIN_EMAIL", "admin@whatpro.local");
        var password = System.getenv().getOrDefault("BENCH_ADMIN_PASSWORD",
                System.getenv("WHATPRO_BOOTSTRAP_ADMIN_PASSWORD"));
        if (password == null) {
            throw new IllegalStateException("set BENCH_ADMIN_PASSWORD (and BENCH_ADMIN_EMAIL) to a super_admin's");
        }
        var answer = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/auth/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\": \"%s\", \"password\": \"%s\"}"
                        .formatted(email, password))).build(), HttpResponse.BodyHandlers.ofString());
        return field(answer.body(), "access_token");
    }

    static String call(String method, String path, String body) throws Exception {
        var answer = send(method, path, body);
        if (answer.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " answered " + answer.statusCode() + ": "
                    + answer.body());
        }
        return answer.body();
    }

    static HttpResponse<String> send(String method, String path, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token);
        if (!body.isEmpty()) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String field(String json, String name) {
        var matcher = Pattern.compile("\"" + name + "\":\\s*\"?([^\",}]+)").matcher(json);
        if (!matcher.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return matcher.group(1);
    }

}
