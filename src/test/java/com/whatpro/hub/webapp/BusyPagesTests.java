package com.whatpro.hub.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.whatpro.hub.DrainedPool;
import com.whatpro.hub.Fixtures;
import com.whatpro.hub.SignInForms;
import com.whatpro.hub.TestHttp;
import com.whatpro.hub.platform.ApiProblem;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/**
 * With every pooled database connection taken, a person's page (signed in or signing in, the Dashboard App's too) is
 * a 503 page in their language that says to try again in a moment, with {@code Retry-After} and one warning in the
 * log, wherever the connection was missing: reading the web session before any controller, or in the controller.
 * The JSON API, and the pages' scripts that ask for JSON, keep the {@code busy} problem, which the scripts say in the
 * person's language.
 */
class BusyPagesTests extends WebAppTest {

    private static final List<String> LOGGERS = List.of("com.whatpro.hub.platform.web.DatabaseBusy",
            "com.whatpro.hub.platform.web.ProblemResponses", "com.whatpro.hub.webapp.ErrorPages");

    @Autowired
    DataSource dataSource;

    @Test
    void aSignedInPageThatFindsNoFreeConnectionIsABusyPageInThePersonsLanguage() throws Exception {
        var session = signIn(tenant.admin().email());
        var page = "/app/a/" + tenant.id() + "/board";
        var signedIn = http().with("Cookie", session);
        var api = http().bearer(tenant.admin().token());
        assertThat(signedIn.get(page).status()).isEqualTo(200);

        var logs = capture();
        try (var drained = DrainedPool.of(dataSource)) {
            var english = signedIn.with("Accept-Language", "en").get(page);
            assertBusyPage(english, "en", "Busy right now", "Try again in a moment.");
            assertThat(english.header("Content-Security-Policy")).contains("script-src 'self'");
            assertThat(english.header("HX-Refresh")).isNull();
            assertBusyPage(signedIn.with("Accept-Language", "pt-BR").get(page), "pt-BR", "Sistema ocupado no momento",
                    "Tente de novo em instantes.");

            var htmx = signedIn.with("Accept-Language", "en").with("HX-Request", "true").get(page);
            assertBusyPage(htmx, "en", "Busy right now", "Try again in a moment.");
            assertThat(htmx.header("HX-Refresh")).as("htmx shows no error answer: it loads the page again")
                    .isEqualTo("true");

            assertBusyProblem(api.get("/api/v1/accounts/" + tenant.id() + "/users"));
            assertBusyProblem(signedIn.get("/api/v1/auth/me"));
            assertBusyProblem(signedIn.with("Accept", "application/json").get(page)); // as the pages' scripts ask
        } finally {
            release(logs);
        }
        assertOneWarningEach(logs, 6);

        assertThat(signedIn.get(page).status()).isEqualTo(200);
    }

    @Test
    void aSignInWhoseControllerFindsNoFreeConnectionIsABusyPageInThePersonsLanguage() throws Exception {
        var fields = Map.of("email", tenant.admin().email(), "password", Fixtures.PASSWORD);
        var english = SignInForms.visit(http().with("Accept-Language", "en"), "/app/login");
        var portuguese = SignInForms.visit(http().with("Accept-Language", "pt-BR"), "/app/login");
        var dashboardApp = SignInForms.visit(http().with("Accept-Language", "en"), "/app/embed");

        var logs = capture();
        try (var drained = DrainedPool.of(dataSource)) {
            assertBusyPage(english.post("/app/login", fields), "en", "Busy right now", "Try again in a moment.");
            assertBusyPage(portuguese.post("/app/login", fields), "pt-BR", "Sistema ocupado no momento",
                    "Tente de novo em instantes.");
            assertBusyPage(dashboardApp.post("/app/embed/login", fields), "en", "Busy right now",
                    "Try again in a moment.");
            assertBusyProblem(http().post("/api/v1/auth/login", fields));
        } finally {
            release(logs);
        }
        assertOneWarningEach(logs, 4);

        assertThat(english.post("/app/login", fields).status()).isEqualTo(302);
    }

    /** htmx shows no error answer; the busy answer has it load the page again, which then says it is busy. */
    @Test
    void anHtmxActionThatFindsNoFreeConnectionLeavesThePageForTheBusyPage() throws Exception {
        try (var browser = Browser.open("en")) {
            signIn(browser);
            browser.driver.get(base + "/app/sessions");
            var mine = browser.waitFor(driver -> driver.findElements(By.cssSelector("tr[data-session-id]")).stream()
                    .filter(row -> row.getText().contains("This session")).findFirst().orElse(null));

            try (var drained = DrainedPool.of(dataSource)) {
                mine.findElement(By.cssSelector("button[type=submit]")).click();
                browser.waitFor(Duration.ofSeconds(30), driver -> driver.findElements(By.tagName("h1")).stream()
                        .filter(title -> title.getText().equals("Busy right now")).findFirst().orElse(null));
                assertThat(browser.driver.getCurrentUrl()).as("the page was loaded again").endsWith("/app/sessions");
                assertThat(browser.driver.findElement(By.tagName("main")).getText()).contains("Try again in a moment.");
            }

            browser.driver.navigate().refresh();
            browser.waitFor(driver -> driver.findElements(By.cssSelector("tr[data-session-id]")).stream()
                    .filter(row -> row.getText().contains("This session")).findFirst().orElse(null));
        }
    }

    /** The pages' scripts ask for JSON: they get the busy problem and say it in the person's language. */
    @Test
    void aScriptsCallThatFindsNoFreeConnectionSaysTheServiceIsBusyInThePersonsLanguage() throws Exception {
        try (var browser = Browser.open("pt-BR")) {
            var column = signIn(browser);
            column.findElement(By.cssSelector("button.add-card")).click();
            column.findElement(By.name("title")).sendKeys("Proposta");
            var create = column.findElement(By.cssSelector(".add-form button[type=submit]"));

            try (var drained = DrainedPool.of(dataSource)) {
                create.click();
                var busy = "O sistema está ocupado no momento. Tente de novo em instantes.";
                browser.waitFor(Duration.ofSeconds(30), driver -> column.findElement(By.cssSelector(".form-error"))
                        .getText().equals(busy) ? true : null);
            }

            create.click();
            browser.waitFor(driver -> column.findElements(By.cssSelector("li.card .card-title")).stream()
                    .filter(title -> title.getText().equals("Proposta")).findFirst().orElse(null));
        }
    }

    /** Signs the browser in; answers the board's first column. */
    private WebElement signIn(Browser browser) {
        browser.driver.get(base + "/app/login");
        browser.waitFor(By.id("email")).sendKeys(tenant.admin().email());
        browser.driver.findElement(By.id("password")).sendKeys(Fixtures.PASSWORD);
        browser.driver.findElement(By.cssSelector("form[action='/app/login'] button[type=submit]")).click();
        return browser.waitFor(By.cssSelector("#board section.column"));
    }

    private String signIn(String email) {
        var signedIn = SignInForms.visit(http(), "/app/login")
                .post("/app/login", Map.of("email", email, "password", Fixtures.PASSWORD));
        assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(302);
        return signedIn.headers().get("set-cookie").stream().filter(c -> c.startsWith("__Host-whatpro_session="))
                .map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow();
    }

    private static void assertBusyPage(TestHttp.Response response, String lang, String title, String text) {
        assertThat(response.status()).as(response.body()).isEqualTo(503);
        assertThat(response.contentType()).startsWith("text/html");
        assertThat(response.header("Retry-After")).isEqualTo("1");
        assertThat(response.body()).contains("<html lang=\"" + lang + "\"").contains(title).contains(text)
                .doesNotContain("class=\"topbar\"");
    }

    private static void assertBusyProblem(TestHttp.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(503);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.header("Retry-After")).isEqualTo("1");
        assertThat(response.json().get("type").asString()).isEqualTo(ApiProblem.TYPE_PREFIX + "busy");
    }

    private static ListAppender<ILoggingEvent> capture() {
        var appender = new ListAppender<ILoggingEvent>();
        appender.start();
        LOGGERS.forEach(name -> ((Logger) LoggerFactory.getLogger(name)).addAppender(appender));
        return appender;
    }

    private static void release(ListAppender<ILoggingEvent> appender) {
        LOGGERS.forEach(name -> ((Logger) LoggerFactory.getLogger(name)).detachAppender(appender));
    }

    /** Each busy answer logged one warning without a stack trace, and nothing logged an error. */
    private static void assertOneWarningEach(ListAppender<ILoggingEvent> logs, int answers) {
        var events = new ArrayList<>(logs.list);
        assertThat(events).as("one line per busy answer").hasSize(answers).allSatisfy(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getThrowableProxy()).isNull();
        });
    }
}
