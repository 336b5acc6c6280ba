import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Does a read cost more as an account grows? (single-file program: {@code java bench/scale/ScaleBench.java BASE_URL}).
 *
 * <p>For each size in {@code BENCH_SIZES} (default 1000,10000,100000) it creates an account on the enterprise plan
 * and a board of five stages through the API, seeds that many cards into it with one SQL statement through
 * {@code psql} ({@code BENCH_PSQL}, a connection string to the hub's database as a superuser, e.g.
 * {@code postgresql://postgres@127.0.0.1:5432/whatpro_bench}), then times each read with one client: 5 warm-up
 * requests, then {@code BENCH_REPEAT} (30) timed ones; it prints the median and p95 of each, per size, and the ratio
 * of the largest size to the smallest. With {@code BENCH_LOG_ROWS} (default 1000000) it also seeds that many audit
 * entries and messages into the largest account and times their first and filtered pages.
 * Signs in as the super_admin of {@code BENCH_ADMIN_EMAIL} / {@code BENCH_ADMIN_PASSWORD}.
 */
public class ScaleBench {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"?([0-9a-f-]+)\"?");
    static String base;
    static String token;
    static int repeat = Integer.parseInt(env("BENCH_REPEAT", "30"));

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ScaleBench BASE_URL  (env BENCH_PSQL, BENCH_ADMIN_PASSWORD, BENCH_SIZES, BENCH_LOG_ROWS)");
            System.exit(2);
        }
        base = args[0].replaceAll("/$", "");
        token = login();
        var sizes = List.of(env("BENCH_SIZES", "1000,10000,100000").split(","));
        var results = new LinkedHashMap<String, Map<Integer, double[]>>();
        String largestAccount = null;
        for (var sizeText : sizes) {
            var size = Integer.parseInt(sizeText.strip());
            var account = post("/api/v1/accounts", "{\"name\":\"scale-" + size + "-" + System.nanoTime()
                    + "\",\"plan\":\"enterprise\"}");
            var accountId = first(ID.matcher(account));
            var boardJson = post("/api/v1/accounts/" + accountId + "/boards", """
                    {"name":"Scale","stages":[{"name":"New"},{"name":"Qualified","sla_hours":24},{"name":"Proposal"},
                     {"name":"Won","kind":"won"},{"name":"Lost","kind":"lost"}]}""");
            var ids = new ArrayList<String>();
            var m = ID.matcher(boardJson);
            while (m.find()) {
                ids.add(m.group(1));
            }
            var board = ids.getFirst();
            var stages = ids.subList(1, 6);
            seedCards(accountId, board, stages, size);
            largestAccount = accountId;
            var prefix = "/api/v1/accounts/" + accountId;
            var cards = prefix + "/boards/" + board + "/cards";
            var firstPage = get(cards + "?limit=50");
            var cursor = firstString(Pattern.compile("\"next_cursor\"\\s*:\\s*\"([^\"]+)\"").matcher(firstPage));
            var reads = new LinkedHashMap<String, String>();
            reads.put("board with stage totals", prefix + "/boards/" + board);
            reads.put("board, first page", cards + "?limit=50");
            reads.put("board, next page", cards + "?limit=50&cursor=" + cursor);
            reads.put("one stage, first page", cards + "?limit=50&stage_id=" + stages.get(2));
            reads.put("search (q=souza)", cards + "?limit=50&q=souza");
            reads.put("search (q=deal 4242)", cards + "?limit=50&q=deal%204242");
            reads.put("search (q=4242)", cards + "?limit=50&q=4242");
            reads.put("search (q=deal)", cards + "?limit=50&q=deal");
            reads.put("search (q=zzzz)", cards + "?limit=50&q=zzzz");
            reads.put("overdue", cards + "?limit=50&overdue=true");
            reads.put("label", cards + "?limit=50&label=vip");
            reads.put("priority", cards + "?limit=50&priority=urgent");
            for (var read : reads.entrySet()) {
                results.computeIfAbsent(read.getKey(), k -> new LinkedHashMap<>()).put(size, time(read.getValue()));
            }
            System.err.println("measured " + size + " cards");
        }
        print("Cards", results, sizes);

        var logRows = Integer.parseInt(env("BENCH_LOG_ROWS", "1000000"));
        if (logRows > 0 && largestAccount != null) {
            var logs = new LinkedHashMap<String, Map<Integer, double[]>>();
            var prefix = "/api/v1/accounts/" + largestAccount;
            var provider = "00000000-0000-7000-8000-00000000beef";
            for (var rows : List.of(logRows / 1000, logRows)) {
                seedLogs(largestAccount, provider, rows - (rows == logRows ? logRows / 1000 : 0));
                var reads = new LinkedHashMap<String, String>();
                reads.put("audit log, first page", prefix + "/audit-logs?limit=50");
                reads.put("audit log, by action", prefix + "/audit-logs?limit=50&action=card.moved");
                reads.put("audit log, by resource", prefix + "/audit-logs?limit=50&resource_type=card&resource_id=r-17");
                reads.put("audit log, one hour a day ago", prefix + "/audit-logs?limit=50&from="
                        + java.time.Instant.now().minus(Duration.ofHours(25)) + "&to="
                        + java.time.Instant.now().minus(Duration.ofHours(24)));
                reads.put("messages, first page", prefix + "/messages?limit=50");
                reads.put("messages, failed", prefix + "/messages?limit=50&status=failed");
                reads.put("messages, one conversation", prefix + "/messages?limit=50&chatwoot_conversation_id=17");
                for (var read : reads.entrySet()) {
                    logs.computeIfAbsent(read.getKey(), k -> new LinkedHashMap<>()).put(rows, time(read.getValue()));
                }
                System.err.println("measured " + rows + " audit entries and messages");
            }
            print("Audit log and messages", logs, List.of(String.valueOf(logRows / 1000), String.valueOf(logRows)));
        }
    }

    /** n cards spread over the first three (open) stages and the won/lost ones, as a growing CRM looks. */
    static void seedCards(String account, String board, List<String> stages, int n) throws Exception {
        var sql = """
                insert into cards (id, account_id, board_id, stage_id, rank, title, contact_name, contact_phone,
                                   amount_minor, currency, priority, labels, entered_stage_at, created_at, updated_at)
                select (lpad(to_hex(extract(epoch from now())::bigint * 1000), 12, '0') || '7000' || '8' ||
                        lpad(to_hex(i), 15, '0'))::uuid,
                       %1$s, '%2$s',
                       (array['%3$s','%4$s','%5$s','%6$s','%7$s']::uuid[])[1 + i %% 5],
                       'a0' || lpad(i::text, 9, '0') || '1',
                       'Deal ' || i,
                       (array['Ana Souza','Bruno Lima','Carla Dias','Diego Alves','Eva Rocha','Fábio Melo',
                              'Gil Torres','Helena Reis','Igor Nunes','Júlia Prado'])[1 + (i / 7) %% 10],
                       '+55119' || lpad(i::text, 8, '0'),
                       (i * 7919) %% 1000000, case when i %% 3 = 0 then 'USD' else 'BRL' end,
                       case when i %% 20 = 0 then 'urgent' when i %% 4 = 0 then 'high' else 'normal' end,
                       case when i %% 20 = 1 then array['vip'] else '{}'::text[] end,
                       now() - make_interval(hours => (i %% 50)),
                       now(), now()
                from generate_series(1, %8$d) i;
                """.formatted(account, board, stages.get(0), stages.get(1), stages.get(2), stages.get(3), stages.get(4), n);
        psql(sql);
        // what autovacuum does within a minute of a bulk insert: statistics, and the visibility map that lets a count
        // read an index alone; without it the first minute after seeding measures heap fetches, not the service
        psql("vacuum (analyze) cards, card_search_terms, stage_totals");
    }

    static void seedLogs(String account, String provider, int n) throws Exception {
        var sql = """
                insert into audit_log (id, at, account_id, actor_type, actor_id, action, resource_type, resource_id,
                                       changes)
                select (lpad(to_hex((extract(epoch from t) * 1000)::bigint), 12, '0') || '7' ||
                        lpad(to_hex(i %% 4096), 3, '0') || '8' || lpad(to_hex(i), 15, '0'))::uuid,
                       t, %1$s, 'user', null,
                       (array['card.created','card.updated','card.moved','team.created','provider.updated'])[1 + i %% 5],
                       'card', 'r-' || (i %% 50000), '{}'
                from (select i, now() - make_interval(secs => i * 0.5) as t from generate_series(1, %3$d) i) s;
                insert into gateway_messages (id, account_id, direction, origin, status, provider_id,
                                              provider_message_id, contact_phone, text, chatwoot_conversation_id,
                                              created_at, updated_at)
                select (lpad(to_hex((extract(epoch from t) * 1000)::bigint), 12, '0') || '7' ||
                        lpad(to_hex(i %% 4096), 3, '0') || '8' || lpad(to_hex(i), 15, '0'))::uuid,
                       %1$s, case when i %% 2 = 0 then 'inbound' else 'outbound' end,
                       case when i %% 2 = 0 then 'whatsapp' else 'chatwoot' end,
                       case when i %% 1000 = 0 then 'failed' when i %% 2 = 0 then 'received' else 'read' end,
                       '%2$s', 'bench-' || i || '-' || extract(epoch from clock_timestamp()), '+5511' || (i %% 20000),
                       'hello ' || i, i %% 20000, t, t
                from (select i, now() - make_interval(secs => i * 0.5) as t from generate_series(1, %3$d) i) s;
                analyze audit_log;
                analyze gateway_messages;
                """.formatted(account, provider, n);
        psql(sql);
    }

    static void psql(String sql) throws Exception {
        var target = System.getenv("BENCH_PSQL");
        if (target == null || target.isBlank()) {
            throw new IllegalStateException("set BENCH_PSQL to the hub's database, e.g. postgresql://postgres@127.0.0.1:5432/whatpro_bench");
        }
        var process = new ProcessBuilder("psql", target, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql)
                .redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("psql failed: " + output);
        }
    }

    /** Median and p95 in milliseconds of {@code repeat} sequential GETs after 5 warm-ups. */
    static double[] time(String path) throws Exception {
        for (var i = 0; i < 5; i++) {
            get(path);
        }
        var took = new ArrayList<Double>();
        for (var i = 0; i < repeat; i++) {
            var started = System.nanoTime();
            get(path);
            took.add((System.nanoTime() - started) / 1e6);
        }
        Collections.sort(took);
        return new double[] {took.get(took.size() / 2), took.get((int) Math.ceil(took.size() * 0.95) - 1)};
    }

    static void print(String title, Map<String, Map<Integer, double[]>> results, List<String> sizes) {
        var header = new StringBuilder("| " + title + " (median / p95 ms) |");
        var rule = new StringBuilder("|---|");
        for (var size : sizes) {
            header.append(" ").append(size.strip()).append(" |");
            rule.append("---|");
        }
        header.append(" largest ÷ smallest (median) |");
        rule.append("---|");
        System.out.println(header);
        System.out.println(rule);
        for (var row : results.entrySet()) {
            var line = new StringBuilder("| " + row.getKey() + " |");
            double firstMedian = -1;
            double lastMedian = -1;
            for (var size : sizes) {
                var value = row.getValue().get(Integer.parseInt(size.strip()));
                line.append(String.format(" %.1f / %.1f |", value[0], value[1]));
                if (firstMedian < 0) {
                    firstMedian = value[0];
                }
                lastMedian = value[0];
            }
            line.append(String.format(" %.2f× |", lastMedian / firstMedian));
            System.out.println(line);
        }
    }

    static String login() throws Exception {
        var email = env("BENCH_ADMIN_EMAIL", "admin@whatpro.local");
        var password = System.getenv("BENCH_ADMIN_PASSWORD");
        var body = send(HttpRequest.newBuilder(URI.create(base + "/api/v1/auth/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}")));
        return firstString(Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"").matcher(body));
    }

    static String get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token).GET());
    }

    static String post(String path, String json) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    static String send(HttpRequest.Builder request) throws Exception {
        var response = HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(response.statusCode() + " " + response.uri() + ": " + response.body());
        }
        return response.body();
    }

    static String first(Matcher matcher) {
        return firstString(matcher);
    }

    static String firstString(Matcher matcher) {
        if (!matcher.find()) {
            throw new IllegalStateException("not in the answer: " + matcher.pattern());
        }
        return matcher.group(1);
    }

    static String env(String name, String fallback) {
        var value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
