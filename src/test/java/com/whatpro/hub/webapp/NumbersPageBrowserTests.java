package com.whatpro.hub.webapp;

import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.whatpro.hub.Fixtures;
import com.whatpro.hub.chatwoot.ChatwootContract;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import tools.jackson.databind.JsonNode;

/**
 * The numbers page in a real headless Chromium against a WireMock Evolution API: provisioning, the QR code, and the
 * state following the provider's webhooks live, without a reload.
 */
class NumbersPageBrowserTests extends WebAppTest {

    private static final String GLOBAL_KEY = "GLOBAL-EVOLUTION-KEY-ONLY-WRITTEN";
    private static final String TOKEN = "INSTANCE-TOKEN-NUMBERS-PAGE";
    // a real PNG (1x1), as Evolution sends a refreshed QR code when it draws it itself
    private static final String PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
            + "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

    @RegisterExtension
    static WireMockExtension evolution = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    /** The account's Chatwoot API, for the number's own inbox. */
    @RegisterExtension
    static WireMockExtension chatwootApi = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort())
            .build();

    @BeforeEach
    void evolutionFake() {
        evolution.stubFor(post(urlPathEqualTo("/instance/create")).willReturn(okJson("""
                {"instance": {"instanceName": "x", "instanceId": "af6c5b7c-ee27-4f94-9ea8-192393746ddd",
                  "integration": "WHATSAPP-BAILEYS", "status": "close"},
                 "hash": "%s", "webhook": {}, "settings": {}, "qrcode": {"count": 0}}""".formatted(TOKEN)).withStatus(201)));
        evolution.stubFor(post(urlPathMatching("/webhook/set/.+")).willReturn(okJson("{\"webhook\": {}}").withStatus(201)));
        evolution.stubFor(get(urlPathMatching("/instance/connect/.+")).willReturn(okJson(
                "{\"pairingCode\": null, \"code\": \"2@y8eK+bjtEjUWy9/FOM7AQ0vQiZvDyWsVUqO6f8l5XyxHZ3F1JkIg==\", \"count\": 1}")));
        connectionStateIs("connecting");
    }

    @Test
    void anAdminProvisionsAnEvolutionNumberSeesItConnectLiveRestartsLogsOutAndDeletesItKeepingTheInstance()
            throws Exception {
        connectionStateIs("close"); // what a health check finds until the QR code is asked for
        try (var browser = Browser.open("en")) {
            signIn(browser, tenant.admin().email());
            browser.driver.get(base + "/app/a/" + tenant.id() + "/numbers");
            browser.waitFor(By.cssSelector("#rows tr.empty-row"));
            browser.driver.findElement(By.id("n-name")).sendKeys("Sales line");
            browser.driver.findElement(By.id("n-url")).sendKeys(evolution.baseUrl());
            browser.driver.findElement(By.id("n-instance")).sendKeys("sales-page");
            browser.driver.findElement(By.id("n-provision")).click();
            assertThat(browser.driver.findElement(By.id("n-api-key")).isDisplayed()).isFalse();
            browser.driver.findElement(By.id("n-global-key")).sendKeys(GLOBAL_KEY);
            browser.driver.findElement(By.cssSelector("#add-form button[type=submit]")).click();

            var number = row(browser, "Sales line");
            assertThat(number.getText()).contains("evolution").contains("Disconnected");
            evolution.verify(postRequestedFor(urlPathEqualTo("/instance/create")));
            var provider = provider("Sales line");
            assertThat(provider.get("provisioned").asBoolean()).isTrue();
            assertThat(browser.driver.getPageSource()).doesNotContain(GLOBAL_KEY).doesNotContain(TOKEN);

            connectionStateIs("connecting");
            number.findElement(By.cssSelector("button.connect")).click();
            var qr = browser.waitFor(By.id("qr-image"));
            assertThat(qr.getAttribute("src")).startsWith("data:image/png;base64,");
            assertThat(qr.getAttribute("alt")).isEqualTo("QR code to scan with WhatsApp on the phone");
            assertThat(loaded(browser, qr)).as("the QR image shows (the CSP allows data: images)").isTrue();
            assertThat(browser.driver.switchTo().activeElement().getAttribute("id")).isEqualTo("h-connect");
            browser.waitFor(driver -> driver.findElement(By.id("qr-expiry")).getText().startsWith("Expires in") ? true : null);
            browser.waitFor(driver -> statusOf(driver.findElement(By.cssSelector("#rows tr[data-id='"
                    + provider.get("id").asString() + "']"))).equals("Connecting") ? true : null);
            assertThat(browser.seriousAccessibilityViolations()).isEmpty();
            browser.screenshot("numbers.png");

            webhook(provider, event("qrcode.updated", "sales-page", """
                    {"qrcode": {"instance": "sales-page", "pairingCode": null, "code": "2@second", "base64": "%s"}}"""
                    .formatted(PNG)));
            browser.waitFor(driver -> PNG.equals(driver.findElement(By.id("qr-image")).getAttribute("src")) ? true : null);

            evolution.stubFor(get(urlPathMatching("/instance/connect/.+")).withQueryParam("number", equalTo("5511999999999"))
                    .willReturn(okJson("{\"pairingCode\": \"WZYEH1YY\", \"code\": \"2@third\", \"count\": 3}")));
            browser.driver.findElement(By.id("pair-phone")).sendKeys("+55 11 99999-9999", Keys.ENTER);
            assertThat(browser.waitFor(By.id("pairing-code")).getText()).isEqualTo("WZYEH1YY");
            assertThat(browser.driver.findElement(By.id("qr")).isDisplayed()).as("a pairing code instead of the QR").isFalse();

            connectionStateIs("open");
            webhook(provider, event("connection.update", "sales-page", """
                    {"instance": "sales-page", "wuid": "5511999999999@s.whatsapp.net", "profileName": "Acme Sales",
                     "profilePictureUrl": null, "state": "open", "statusReason": 200}"""));

            // a health check may record "connected" before the webhook brings the phone and the profile
            var connected = browser.waitFor(driver -> {
                var tr = row(browser, "Sales line");
                var text = tr.getText();
                return statusOf(tr).equals("Connected") && text.contains("+5511999999999") && text.contains("Acme Sales")
                        ? tr : null;
            });
            assertThat(browser.driver.findElement(By.id("connect-state")).getText())
                    .isEqualTo("Sales line is connected: +5511999999999 · Acme Sales");
            assertThat(browser.driver.findElement(By.id("qr")).isDisplayed()).as("no QR code once linked").isFalse();
            assertThat(browser.driver.findElement(By.id("connect-state")).getAttribute("aria-live")).isEqualTo("polite");

            evolution.stubFor(post(urlPathMatching("/instance/restart/.+")).willReturn(okJson(
                    "{\"instance\": {\"instanceName\": \"sales-page\", \"state\": \"connecting\"}}")));
            browser.clickCentered(connected.findElement(By.cssSelector("button.restart")));
            browser.waitFor(ExpectedConditions.textToBe(By.id("admin-status"), "Sales line: restart requested."));
            evolution.verify(postRequestedFor(urlPathMatching("/instance/restart/.+")));

            evolution.stubFor(delete(urlPathMatching("/instance/logout/.+")).willReturn(okJson(
                    "{\"status\": \"SUCCESS\", \"error\": false, \"response\": {\"message\": \"Instance logged out\"}}")));
            connectionStateIs("close");
            browser.clickCentered(row(browser, "Sales line").findElement(By.cssSelector("button.logout")));
            browser.waitFor(ExpectedConditions.alertIsPresent()).accept();
            browser.waitFor(ExpectedConditions.textToBe(By.id("admin-status"), "Sales line: logout requested."));
            evolution.verify(deleteRequestedFor(urlPathMatching("/instance/logout/.+")));
            browser.waitFor(driver -> statusOf(row(browser, "Sales line")).equals("Disconnected") ? true : null);

            evolution.stubFor(delete(urlPathMatching("/instance/delete/.+")).willReturn(okJson(
                    "{\"status\": \"SUCCESS\", \"error\": false, \"response\": {\"message\": \"Instance deleted\"}}")));
            browser.clickCentered(row(browser, "Sales line").findElement(By.cssSelector("button.delete")));
            browser.waitFor(By.id("keep-instance")).click();
            browser.driver.findElement(By.cssSelector("#delete-form button[value=delete]")).click();
            browser.waitFor(By.cssSelector("#rows tr.empty-row"));
            assertThat(browser.driver.findElement(By.id("admin-status")).getText()).isEqualTo("Sales line deleted.");
            assertThat(http().bearer(tenant.admin().token()).get(providers() + "/" + provider.get("id").asString()).status())
                    .isEqualTo(404);
            evolution.verify(0, deleteRequestedFor(urlPathMatching("/instance/delete/.+")));
        }
    }

    @Test
    void anAdminSetsUpANumbersOwnChatwootInboxFromItsRowOnceChatwootIsConnected() throws Exception {
        var created = http().bearer(tenant.admin().token()).post(providers(), Map.of("name", "Vendas", "type",
                "evolution", "base_url", evolution.baseUrl(), "instance_name", "vendas-page", "provision", true,
                "credentials", Map.of("api_key", GLOBAL_KEY)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        var api = "/api/v1/accounts/" + chatwootAccountId;
        chatwootApi.stubFor(get(urlPathEqualTo(api + "/inboxes")).willReturn(okJson("{\"payload\": []}")));
        chatwootApi.stubFor(post(urlPathEqualTo(api + "/inboxes")).willReturn(okJson("""
                {"id": 91, "channel_id": 14, "name": "Vendas", "channel_type": "Channel::Api",
                 "webhook_url": "https://hub.example.test/wh", "secret": "inbox-secret-of-vendas"}""")));
        try (var browser = Browser.open("en")) {
            signIn(browser, tenant.admin().email());
            browser.driver.get(base + "/app/a/" + tenant.id() + "/numbers");
            var number = row(browser, "Vendas");
            assertThat(number.findElement(By.cssSelector("td.number-inbox")).getText()).isEqualTo("The account's inbox");

            number.findElement(By.cssSelector("button.make-inbox")).click();
            browser.waitFor(ExpectedConditions.textToBe(By.id("admin-error"),
                    "Connect the account to Chatwoot in Settings first."));
            chatwootApi.verify(0, postRequestedFor(urlPathEqualTo(api + "/inboxes")));

            var connected = http().bearer(tenant.admin().token()).put("/api/v1/accounts/" + tenant.id() + "/chatwoot",
                    Map.of("base_url", chatwootApi.baseUrl(), "chatwoot_account_id", chatwootAccountId,
                            "api_token", "cw-admin-token"));
            assertThat(connected.status()).as(connected.body()).isEqualTo(200);
            row(browser, "Vendas").findElement(By.cssSelector("button.make-inbox")).click();

            browser.waitFor(ExpectedConditions.textToBe(By.id("admin-status"),
                    "Vendas now uses Chatwoot inbox 91, which sends its replies to the hub."));
            assertThat(browser.driver.findElement(By.id("admin-error")).getText()).isEmpty();
            assertThat(row(browser, "Vendas").findElement(By.cssSelector("td.number-inbox")).getText())
                    .isEqualTo("Inbox 91");
            assertThat(browser.driver.switchTo().activeElement().getAttribute("aria-label"))
                    .isEqualTo("Set up Chatwoot inbox: Vendas");
            assertThat(provider("Vendas").get("chatwoot_inbox_id").asLong()).isEqualTo(91);
            var sent = chatwootApi.findAll(postRequestedFor(urlPathEqualTo(api + "/inboxes"))).getFirst();
            assertThat(sent.getBodyAsString()).as("the inbox's webhook is the account's Chatwoot webhook URL")
                    .contains("\"name\":\"Vendas\"").contains("/api/v1/webhooks/chatwoot/" + tenant.id() + "/");
            ChatwootContract.applicationApi().assertEveryRequestConforms(chatwootApi.getAllServeEvents());
            assertThat(browser.driver.getPageSource()).doesNotContain("inbox-secret-of-vendas");
            assertThat(browser.seriousAccessibilityViolations()).isEmpty();
        }
    }

    @Test
    void anAgentSeesTheStateChangeLiveButNoControls() throws Exception {
        connectionStateIs("close"); // what a health check finds meanwhile: not linked yet
        var created = http().bearer(tenant.admin().token()).post(providers(), Map.of("name", "Support", "type",
                "evolution", "base_url", evolution.baseUrl(), "instance_name", "support-page", "provision", true,
                "credentials", Map.of("api_key", GLOBAL_KEY)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        var agent = fixtures.member(tenant.admin().token(), tenant.id(), "agent");
        try (var browser = Browser.open("pt-BR")) {
            signIn(browser, agent.email());
            browser.driver.get(base + "/app/a/" + tenant.id() + "/numbers");
            var number = row(browser, "Support");
            assertThat(statusOf(number)).isEqualTo("Desconectado");
            assertThat(number.findElements(By.cssSelector("button"))).isEmpty();
            assertThat(browser.driver.findElements(By.id("add-form"))).isEmpty();
            assertThat(browser.driver.findElements(By.id("connect-panel"))).isEmpty();
            assertThat(browser.driver.getPageSource()).doesNotContain("/api/v1/webhooks/providers/");

            connectionStateIs("open");
            webhook(created.json(), event("connection.update", "support-page", """
                    {"instance": "support-page", "wuid": "5511988887777@s.whatsapp.net", "profileName": "Acme Support",
                     "state": "open", "statusReason": 200}"""));

            browser.waitFor(driver -> {
                var tr = row(browser, "Support");
                return statusOf(tr).equals("Conectado") && tr.getText().contains("+5511988887777") ? true : null;
            });
            browser.waitFor(ExpectedConditions.textToBe(By.id("admin-status"),
                    "Support: Conectado (+5511988887777 · Acme Support)"));
            assertThat(browser.seriousAccessibilityViolations()).isEmpty();
        }
    }

    void signIn(Browser browser, String email) {
        browser.driver.get(base + "/app/login");
        browser.waitFor(By.id("email")).sendKeys(email);
        browser.driver.findElement(By.id("password")).sendKeys(Fixtures.PASSWORD);
        browser.driver.findElement(By.cssSelector("form[action='/app/login'] button[type=submit]")).click();
        browser.waitFor(By.cssSelector("#board section.column"));
    }

    WebElement row(Browser browser, String text) {
        return browser.waitFor(driver -> driver.findElements(By.cssSelector("#rows tr")).stream()
                .filter(tr -> tr.getText().contains(text)).findFirst().orElse(null));
    }

    static String statusOf(WebElement row) {
        return row.findElement(By.cssSelector("td.number-state .badge")).getText();
    }

    static boolean loaded(Browser browser, WebElement image) {
        return Boolean.TRUE.equals(browser.script("return arguments[0].complete && arguments[0].naturalWidth > 0;", image));
    }

    String providers() {
        return "/api/v1/accounts/" + tenant.id() + "/providers";
    }

    JsonNode provider(String name) {
        for (var item : http().bearer(tenant.admin().token()).get(providers()).json().get("items")) {
            if (item.get("name").asString().equals(name)) {
                return item;
            }
        }
        throw new AssertionError("no number " + name);
    }

    static void connectionStateIs(String state) {
        evolution.stubFor(get(urlPathMatching("/instance/connectionState/.+")).willReturn(okJson(
                "{\"instance\": {\"state\": \"" + state + "\"}}")));
    }

    static String event(String event, String instance, String data) {
        return """
                {"event": "%s", "instance": "%s", "data": %s, "destination": "https://hub.example.test",
                 "date_time": "2026-12-03T13:38:17.123Z", "server_url": "https://evolution.example.com", "apikey": null}"""
                .formatted(event, instance, data);
    }

    /** Delivers an Evolution webhook to the URL the hub gave for the number, as Evolution would. */
    void webhook(JsonNode provider, String body) {
        var path = URI.create(provider.get("webhook_url").asString()).getRawPath();
        var answer = http().send(http().request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(answer.status()).as(answer.body()).isBetween(200, 299);
    }
}
