package com.whatpro.hub.webapp;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import java.util.UUID;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.chatwoot.ChatwootContract;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Tenancy;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The administrators' pages in a real headless Chromium: API keys, dead letters and the audit log. */
class AdminPagesBrowserTests extends WebAppTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    PlatformTransactionManager transactions;

    void signIn(Browser browser) {
        browser.driver.get(base + "/app/login");
        browser.waitFor(By.id("email")).sendKeys(tenant.admin().email());
        browser.driver.findElement(By.id("password")).sendKeys(Fixtures.PASSWORD);
        browser.driver.findElement(By.cssSelector("form[action='/app/login'] button[type=submit]")).click();
        browser.waitFor(By.cssSelector("#board section.column"));
    }

    WebElement row(Browser browser, String text) {
        return browser.waitFor(driver -> driver.findElements(By.cssSelector("#rows tr")).stream()
                .filter(tr -> tr.getText().contains(text)).findFirst().orElse(null));
    }

    @Test
    void anAdminCreatesAnApiKeySeesItOnceThenOnlyItsPrefixAndRevokesIt() throws Exception {
        var boards = "/api/v1/accounts/" + tenant.id() + "/boards";
        try (var browser = Browser.open("en")) {
            signIn(browser);
            browser.driver.findElement(By.cssSelector(".nav a[href='/app/a/" + tenant.id() + "/settings']")).click();
            row(browser, tenant.admin().email());
            assertThat(browser.seriousAccessibilityViolations()).isEmpty();

            browser.driver.findElement(By.linkText("API keys")).click();
            browser.waitFor(By.id("k-name")).sendKeys("CRM sync");
            browser.driver.findElement(By.cssSelector("input[value='boards:read']")).click();
            browser.driver.findElement(By.cssSelector("#add-form button[type=submit]")).click();
            var shown = browser.waitFor(driver -> {
                var value = driver.findElement(By.id("new-key-value")).getAttribute("value");
                return value == null || value.isEmpty() ? null : value;
            });
            assertThat(shown).startsWith("wph_");
            assertThat(browser.driver.switchTo().activeElement().getAttribute("id")).isEqualTo("new-key-value");
            assertThat(http().with("X-API-Key", shown).get(boards).status()).isEqualTo(200);
            var listed = row(browser, "CRM sync");
            assertThat(listed.getText()).contains("boards:read").contains("Active").doesNotContain(shown);
            assertThat(browser.seriousAccessibilityViolations()).isEmpty();
            browser.screenshot("settings-api-keys.png");

            browser.driver.navigate().refresh();
            listed = row(browser, "CRM sync");
            assertThat(browser.driver.getPageSource()).doesNotContain(shown);
            assertThat(browser.driver.findElement(By.id("new-key")).isDisplayed()).isFalse();

            listed.findElement(By.cssSelector("button")).click();
            browser.waitFor(ExpectedConditions.alertIsPresent()).accept();
            browser.waitFor(driver -> row(browser, "CRM sync").findElement(By.cssSelector(".key-status")).getText()
                    .equals("Revoked") ? true : null);
            assertThat(browser.driver.findElement(By.id("admin-status")).getText()).contains("CRM sync").contains("revoked");
            assertThat(http().with("X-API-Key", shown).get(boards).status()).isEqualTo(401);
        }
    }

    @Test
    void anAdminSetsAStagesWipLimitAndSlaCreatesATeamSeesThePlanConnectsChatwootAndAddsANumber() throws Exception {
        var stages = "/api/v1/accounts/" + tenant.id() + "/boards/" + board.get("id").asString();
        try (var browser = Browser.open("en")) {
            signIn(browser);
            browser.driver.get(base + "/app/a/" + tenant.id() + "/settings/stages");
            var stage = browser.waitFor(By.cssSelector("#rows tr[data-id='" + stageId(1) + "']"));
            stage.findElement(By.cssSelector("td:nth-child(3) input")).sendKeys("3");
            new Select(stage.findElement(By.cssSelector("td:nth-child(4) select"))).selectByValue("hard");
            stage.findElement(By.cssSelector("td:nth-child(5) input")).sendKeys("48");
            stage.findElement(By.cssSelector("button")).click();
            until("the API shows the stage's limits", () -> {
                var saved = http().bearer(tenant.admin().token()).get(stages).json().get("stages").get(1);
                return saved.get("wip_limit").asInt() == 3 && "hard".equals(saved.get("wip_mode").asString())
                        && saved.get("sla_hours").asInt() == 48;
            });
            assertThat(browser.seriousAccessibilityViolations()).isEmpty();

            browser.driver.findElement(By.linkText("Teams")).click();
            browser.waitFor(By.id("t-name")).sendKeys("Night shift");
            browser.driver.findElement(By.cssSelector("#add-form button[type=submit]")).click();
            assertThat(row(browser, "Night shift").getText()).contains("Members (0)");
            assertThat(browser.seriousAccessibilityViolations()).isEmpty();

            browser.driver.findElement(By.linkText("Plan and usage")).click();
            assertThat(browser.waitFor(By.cssSelector("tr[data-limit='teams'] td")).getText()).isEqualTo("1");
            assertThat(browser.seriousAccessibilityViolations()).isEmpty();

            browser.driver.findElement(By.linkText("Chatwoot connection")).click();
            browser.waitFor(driver -> driver.findElement(By.id("admin-status")).getText().contains("not connected") ? true : null);
            assertThat(browser.driver.findElement(By.id("webhook")).isDisplayed()).isFalse();
            browser.driver.findElement(By.id("c-url")).sendKeys(chatwootOrigin());
            browser.driver.findElement(By.id("c-account")).sendKeys(Long.toString(chatwootAccountId));
            browser.driver.findElement(By.id("c-token")).sendKeys("cw-token-only-written");
            browser.driver.findElement(By.cssSelector("#add-form button[type=submit]")).click();
            var webhook = browser.waitFor(By.id("webhook-url")).getAttribute("value");
            assertThat(webhook).contains("/api/v1/webhooks/chatwoot/" + tenant.id() + "/");
            assertThat(browser.driver.findElement(By.id("c-token")).getAttribute("value")).isEmpty();
            assertThat(browser.seriousAccessibilityViolations()).isEmpty();
            browser.driver.navigate().refresh();
            assertThat(browser.waitFor(By.id("webhook-url")).getAttribute("value")).isEqualTo(webhook);
            assertThat(browser.driver.getPageSource()).doesNotContain("cw-token-only-written");
            var connection = http().bearer(tenant.admin().token()).get("/api/v1/accounts/" + tenant.id() + "/chatwoot");
            assertThat(connection.json().get("chatwoot_account_id").asLong()).isEqualTo(chatwootAccountId);

            // this Chatwoot account does not exist yet at the fake: Chatwoot answers 404 for the token
            var inboxes = "/api/v1/accounts/" + chatwootAccountId + "/inboxes";
            browser.driver.findElement(By.id("chatwoot-check")).click();
            browser.waitFor(ExpectedConditions.textToBe(By.id("admin-error"),
                    "Chatwoot refused the access token for this Chatwoot account. Save a valid token."));
            var stub = CHATWOOT.stubFor(get(urlPathEqualTo(inboxes)).willReturn(okJson("{\"payload\": []}")));
            try {
                browser.driver.findElement(By.id("chatwoot-check")).click();
                browser.waitFor(ExpectedConditions.textToBe(By.id("admin-status"),
                        "Chatwoot answered and accepts the access token."));
                assertThat(browser.driver.findElement(By.id("admin-error")).getText()).isEmpty();
            } finally {
                CHATWOOT.removeStub(stub);
            }
            var checks = CHATWOOT.getAllServeEvents().stream()
                    .filter(event -> event.getRequest().getUrl().startsWith(inboxes)).toList();
            assertThat(checks).hasSize(2).allSatisfy(event -> assertThat(
                    event.getRequest().getHeader("api_access_token")).isEqualTo("cw-token-only-written"));
            ChatwootContract.applicationApi().assertEveryRequestConforms(checks);
            assertThat(browser.seriousAccessibilityViolations()).isEmpty();

            browser.driver.findElement(By.cssSelector(".nav a[href='/app/a/" + tenant.id() + "/numbers']")).click();
            browser.waitFor(By.cssSelector("#rows tr.empty-row"));
            browser.driver.findElement(By.id("n-name")).sendKeys("Sales line");
            browser.driver.findElement(By.id("n-url")).sendKeys(chatwootOrigin());
            browser.driver.findElement(By.id("n-instance")).sendKeys("sales");
            browser.driver.findElement(By.id("n-api-key")).sendKeys("evo-key-only-written");
            browser.driver.findElement(By.cssSelector("#add-form button[type=submit]")).click();
            var number = row(browser, "Sales line");
            assertThat(number.getText()).contains("evolution").contains("/api/v1/webhooks/providers/");
            assertThat(browser.driver.getPageSource()).doesNotContain("evo-key-only-written");
            assertThat(browser.seriousAccessibilityViolations()).isEmpty();
        }
    }

    @Test
    void anAdminReplaysADeadLetterAndFindsTheReplayInTheAuditLogByWhoWhatAndWhen() throws Exception {
        var letter = deadLetter("gave up after 4 attempts: Chatwoot answered 503");
        try (var browser = Browser.open("pt-BR")) {
            signIn(browser);
            browser.driver.findElement(By.cssSelector(".nav a[href='/app/a/" + tenant.id() + "/dead-letters']")).click();
            var dead = browser.waitFor(By.cssSelector("#rows tr[data-id='" + letter + "']"));
            assertThat(dead.getText()).contains("inbound").contains("gave up after 4 attempts");
            assertThat(browser.seriousAccessibilityViolations()).isEmpty();
            dead.findElement(By.cssSelector("button")).click();
            var replayed = browser.waitFor(By.cssSelector("#rows tr[data-id='" + letter + "'] .replayed"));
            assertThat(replayed.getText()).isEqualTo("De volta à fila");
            assertThat(browser.driver.switchTo().activeElement()).isEqualTo(replayed);

            browser.driver.findElement(By.cssSelector(".nav a[href='/app/a/" + tenant.id() + "/audit']")).click();
            var actor = browser.waitFor(driver -> {
                var options = driver.findElements(By.cssSelector("#a-actor option"));
                return options.size() > 1 ? new Select(driver.findElement(By.id("a-actor"))) : null;
            });
            actor.selectByValue(tenant.admin().id().toString());
            browser.driver.findElement(By.id("a-action")).sendKeys("dead_letter.*");
            browser.script("document.getElementById('a-from').value = arguments[0];", LocalDate.now().minusDays(1).toString());
            browser.driver.findElement(By.cssSelector("#audit-filters button[type=submit]")).click();
            browser.waitFor(driver -> driver.getCurrentUrl().contains("action=dead_letter") ? true : null);
            var entry = row(browser, "dead_letter.replayed");
            assertThat(entry.getText()).contains(letter.toString());
            assertThat(browser.driver.findElements(By.cssSelector("#rows tr"))).hasSize(1);
            assertThat(new Select(browser.driver.findElement(By.id("a-actor"))).getFirstSelectedOption().getAttribute("value"))
                    .isEqualTo(tenant.admin().id().toString());
            assertThat(browser.seriousAccessibilityViolations()).isEmpty();
            browser.screenshot("audit-log.png");

            browser.driver.get(base + "/app/a/" + tenant.id() + "/audit?action=dead_letter.*&from=2020-01-01&to=2020-01-31");
            browser.waitFor(Duration.ofSeconds(10), driver -> driver.findElements(By.cssSelector("#rows tr.empty-row"))
                    .isEmpty() ? null : true);
        }
    }

    /** Work the gateway gave up on, as its worker leaves it. */
    UUID deadLetter(String error) {
        var id = UUID.randomUUID();
        var account = AccountId.of(tenant.id());
        Tenancy.runAs(account, () -> new TransactionTemplate(transactions).executeWithoutResult(status -> jdbc.sql("""
                insert into gateway_jobs (id, account_id, kind, payload, status, attempts, last_error, finished_at)
                values (:id, :account, 'inbound', cast(:payload as jsonb), 'dead', 4, :error, now())
                """).param("id", id).param("account", tenant.id()).param("payload", "{\"message\": {}}")
                .param("error", error).update()));
        return id;
    }
}
