package com.whatpro.hub;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The web app's sign-in forms as a browser sends them: one visit to the page for its CSRF cookie and token, then
 * any number of form posts with them (a page of {@code /app/embed} for the Dashboard App's forms, else
 * {@code /app/login}).
 */
public final class SignInForms {

    private static final Pattern CSRF_META = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\"");

    private final TestHttp client;
    private final String csrfCookie;
    private final String csrfToken;

    private SignInForms(TestHttp client, String csrfCookie, String csrfToken) {
        this.client = client;
        this.csrfCookie = csrfCookie;
        this.csrfToken = csrfToken;
    }

    public static SignInForms visit(TestHttp client, String page) {
        var response = client.get(page);
        var cookie = response.headers().get("set-cookie").stream().filter(c -> c.contains("xsrf="))
                .map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow();
        var token = CSRF_META.matcher(response.body()).results().findFirst().orElseThrow().group(1);
        return new SignInForms(client, cookie, token);
    }

    /** Posts the form's fields (and the CSRF token) to {@code path}. */
    public TestHttp.Response post(String path, Map<String, String> fields) {
        var body = fields.entrySet().stream()
                .map(field -> field.getKey() + "=" + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")) + "&_csrf=" + URLEncoder.encode(csrfToken, StandardCharsets.UTF_8);
        return client.send(client.request(path).header("Cookie", csrfCookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }
}
