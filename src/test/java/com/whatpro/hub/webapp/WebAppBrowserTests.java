package com.whatpro.hub.webapp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.TestInfrastructure;
import com.whatpro.hub.kanban.ContactRef;
import com.whatpro.hub.kanban.ConversationCards;
import com.whatpro.hub.platform.AccountId;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.springframework.beans.factory.annotation.Autowired;

import tools.jackson.databind.JsonNode;

/** The web app in a real headless Chromium, as a person uses it. */
class WebAppBrowserTests extends WebAppTest {

    @Autowired
    ConversationCards conversations;

    void signIn(Browser browser, String email, String password) {
        browser.driver.get(base + "/app/login");
        browser.waitFor(By.id("email")).sendKeys(email);
        browser.driver.findElement(By.id("password")).sendKeys(password);
        browser.driver.findElement(By.cssSelector("form[action='/app/login'] button[type=submit]")).click();
        boardShown(browser);
    }

    void boardShown(Browser browser) {
        browser.waitFor(By.cssSelector("#board section.column"));
    }

    WebElement column(Browser browser, String stageId) {
        return browser.waitFor(By.cssSelector("section.column[data-stage-id='" + stageId + "']"));
    }

    WebElement cardOnPage(Browser browser, String title) {
        return browser.waitFor(Duration.ofSeconds(10), driver -> driver.findElements(By.cssSelector("li.card")).stream()
                .filter(card -> card.findElement(By.cssSelector(".card-title")).getText().equals(title))
                .findFirst().orElse(null));
    }

    @Test
    void signsInAndShowsTheDefaultStagesWithTheirCounts() throws Exception {
        apiCard(tenant.admin().token(), "Proposal for Ana", stageId(0), Map.of("amount_minor", 123456, "currency", "BRL"));
        try (var browser = Browser.open("pt-BR")) {
            signIn(browser, tenant.admin().email(), Fixtures.PASSWORD);
            var names = browser.driver.findElements(By.cssSelector("section.column h2")).stream().map(WebElement::getText).toList();
            var expected = new java.util.ArrayList<String>();
            board.get("stages").forEach(stage -> expected.add(stage.get("name").asString()));
            assertThat(names).containsExactlyElementsOf(expected);
            var first = column(browser, stageId(0));
            assertThat(first.findElement(By.cssSelector(".count")).getText()).isEqualTo("1 card");
            assertThat(first.findElement(By.cssSelector(".totals")).getText()).contains("1.234,56").contains("R$");
            assertThat(column(browser, stageId(1)).findElement(By.cssSelector(".count")).getText()).isEqualTo("0 cards");
        }
    }

    @Test
    void addsACardThroughThePageAndMovesItWithTheMoveToMenu() throws Exception {
        try (var browser = Browser.open("pt-BR")) {
            signIn(browser, tenant.admin().email(), Fixtures.PASSWORD);
            var first = column(browser, stageId(0));
            var add = first.findElement(By.cssSelector("button.add-card"));
            assertThat(add.getText()).contains("Adicionar card");
            add.click();
            first.findElement(By.name("title")).sendKeys("Website redesign");
            first.findElement(By.name("amount")).sendKeys("2.500,00");
            first.findElement(By.cssSelector(".add-form button[type=submit]")).click();
            var card = cardOnPage(browser, "Website redesign");
            assertThat(card.getText()).contains("R$").contains("2.500,00");
            var id = card.getAttribute("data-card-id");
            assertThat(cardFromApi(id).get("amount_minor").asLong()).isEqualTo(250000);

            var move = card.findElement(By.cssSelector(".move-btn"));
            assertThat(move.getText()).isEqualTo("Mover para…");
            move.click();
            var target = browser.waitFor(By.cssSelector("#move-" + id + " button[data-stage-id='" + stageId(2) + "']"));
            target.click();
            browser.waitFor(driver -> driver.findElements(By.cssSelector(
                    "ol.cards[data-stage-id='" + stageId(2) + "'] li[data-card-id='" + id + "']")).isEmpty() ? null : true);
            until("the API shows the change", () -> stageId(2).equals(cardFromApi(id).get("stage_id").asString()));
            assertThat(cardFromApi(id).get("rank").asString()).isNotBlank();
            // the live event may place the card before the move's own answer arrives and is announced
            browser.waitFor(driver -> {
                var announced = driver.findElement(By.id("announcer")).getAttribute("textContent");
                return announced != null && announced.contains("Website redesign") && announced.contains(stageName(2))
                        ? true : null;
            });
            browser.waitFor(driver -> column(browser, stageId(2)).findElement(By.cssSelector(".count")).getText()
                    .equals("1 card") ? true : null);
        }
    }

    @Test
    void dragsACardBelowAnotherInAnotherStageAndTheApiKeepsThatOrder() throws Exception {
        var token = tenant.admin().token();
        var dragged = apiCard(token, "Drag me", stageId(0), Map.of()).get("id").asString();
        var resident = apiCard(token, "Already there", stageId(1), Map.of()).get("id").asString();
        try (var browser = Browser.open("pt-BR")) {
            signIn(browser, tenant.admin().email(), Fixtures.PASSWORD);
            var source = cardOnPage(browser, "Drag me");
            var below = cardOnPage(browser, "Already there");
            new Actions(browser.driver)
                    .clickAndHold(source.findElement(By.cssSelector(".card-contact, .card-foot")))
                    .pause(Duration.ofMillis(150)).moveByOffset(10, 10).pause(Duration.ofMillis(150))
                    .moveToElement(below).pause(Duration.ofMillis(150))
                    .moveToElement(below, 0, below.getSize().getHeight() / 2 - 2).pause(Duration.ofMillis(300))
                    .release().perform();
            until("the API shows the change", () -> stageId(1).equals(cardFromApi(dragged).get("stage_id").asString()));
            var moved = cardFromApi(dragged);
            assertThat(moved.get("rank").asString()).isGreaterThan(cardFromApi(resident).get("rank").asString());
            browser.waitFor(driver -> driver.findElements(By.cssSelector(
                    "ol.cards[data-stage-id='" + stageId(1) + "'] li.card")).size() == 2 ? true : null);
            var order = browser.driver.findElements(By.cssSelector("ol.cards[data-stage-id='" + stageId(1) + "'] li.card"))
                    .stream().map(li -> li.getAttribute("data-card-id")).toList();
            assertThat(order).containsExactly(resident, dragged);
        }
    }

    @Test
    void aCardCreatedThroughTheApiAppearsOnAnOpenBoardWithinThreeSeconds() throws Exception {
        try (var browser = Browser.open("pt-BR")) {
            signIn(browser, tenant.admin().email(), Fixtures.PASSWORD);
            browser.waitFor(driver -> driver.findElement(By.id("live")).getText().contains("Ao vivo") ? true : null);
            apiCard(tenant.admin().token(), "From the API", stageId(1), Map.of());
            var card = browser.waitFor(Duration.ofSeconds(3), driver -> driver.findElements(By.cssSelector(
                    "ol.cards[data-stage-id='" + stageId(1) + "'] li.card")).stream()
                    .filter(li -> li.getText().contains("From the API")).findFirst().orElse(null));
            assertThat(card.isDisplayed()).isTrue();
        }
    }

    @Test
    void aHardWipLimitRefusalIsShownInTheColumn() throws Exception {
        var token = tenant.admin().token();
        var limited = http().bearer(token).patch("/api/v1/accounts/" + tenant.id() + "/boards/" + board.get("id").asString()
                + "/stages/" + stageId(1), Map.of("wip_limit", 1, "wip_mode", "hard"));
        assertThat(limited.status()).as(limited.body()).isEqualTo(200);
        apiCard(token, "Fills the stage", stageId(1), Map.of());
        var blocked = apiCard(token, "Blocked card", stageId(0), Map.of()).get("id").asString();
        try (var browser = Browser.open("en")) {
            signIn(browser, tenant.admin().email(), Fixtures.PASSWORD);
            assertThat(column(browser, stageId(1)).findElement(By.cssSelector(".wip")).getText()).contains("1/1");
            cardOnPage(browser, "Blocked card").findElement(By.cssSelector(".move-btn")).click();
            browser.waitFor(By.cssSelector("#move-" + blocked + " button[data-stage-id='" + stageId(1) + "']")).click();
            var error = browser.waitFor(driver -> {
                var text = driver.findElement(By.id("stage-error-" + stageId(1))).getText();
                return text.isBlank() ? null : text;
            });
            assertThat(error).contains("Blocked card").containsIgnoringCase("limit");
            assertThat(cardFromApi(blocked).get("stage_id").asString()).isEqualTo(stageId(0));
            browser.waitFor(driver -> driver.findElements(By.cssSelector(
                    "ol.cards[data-stage-id='" + stageId(0) + "'] li[data-card-id='" + blocked + "']")).isEmpty() ? null : true);
        }
    }

    @Test
    void anAgentSeesOnlyWhatAnAgentMayChange() throws Exception {
        var admin = tenant.admin();
        var agent = fixtures.member(admin.token(), tenant.id(), "agent");
        apiCard(admin.token(), "Admin's deal", stageId(0), Map.of("assignee_id", admin.id().toString()));
        apiCard(admin.token(), "Open deal", stageId(0), Map.of());
        try (var browser = Browser.open("en")) {
            signIn(browser, agent.email(), Fixtures.PASSWORD);
            var theirs = cardOnPage(browser, "Admin's deal");
            var open = cardOnPage(browser, "Open deal");
            assertThat(theirs.getAttribute("class")).contains("readonly");
            assertThat(theirs.findElements(By.cssSelector(".move-btn"))).isEmpty();
            assertThat(theirs.getText()).contains("Read only");
            assertThat(open.findElements(By.cssSelector(".move-btn"))).hasSize(1);
            theirs.findElement(By.cssSelector(".card-title")).click();
            var drawer = browser.waitFor(By.cssSelector("#drawer[open] #d-title"));
            assertThat(drawer.isEnabled()).isFalse();
            assertThat(browser.driver.findElements(By.cssSelector("#drawer .drawer-actions"))).isEmpty();
        }
    }

    @Test
    void opensTheCardDrawerEditsTheCardAndShowsItsChatwootConversation() throws Exception {
        var card = apiCard(tenant.admin().token(), "Annual plan", stageId(0), Map.of("amount_minor", 99900,
                "currency", "BRL", "labels", List.of("vip", "renewal"), "conversation_ids", List.of(42),
                "contact", Map.of("name", "Ana Souza", "phone", "+5511999990000"),
                "due_at", "2020-01-10T12:00:00Z", "priority", "high"));
        var id = card.get("id").asString();
        var checklist = http().bearer(tenant.admin().token()).post("/api/v1/accounts/" + tenant.id() + "/cards/" + id
                + "/checklist", Map.of("text", "Send the contract"));
        assertThat(checklist.status()).as(checklist.body()).isEqualTo(201);
        var fields = http().bearer(tenant.admin().token()).patch("/api/v1/accounts/" + tenant.id() + "/boards/"
                + board.get("id").asString(), Map.of("field_definitions", List.of(
                Map.of("key", "segment", "label", "Segmento", "type", "select", "options", List.of("varejo", "b2b")),
                Map.of("key", "seats", "label", "Assentos", "type", "number"))));
        assertThat(fields.status()).as(fields.body()).isEqualTo(200);
        apiCard(tenant.admin().token(), "Onboarding call", stageId(1), Map.of("labels", List.of("new"),
                "assignee_id", tenant.admin().id().toString(), "contact", Map.of("name", "Bruno Costa")));
        apiCard(tenant.admin().token(), "Pilot for 20 seats", stageId(1), Map.of("priority", "urgent",
                "amount_minor", 1_200_000, "currency", "BRL", "due_at", "2099-03-01T12:00:00Z"));
        apiCard(tenant.admin().token(), "Export licence (US)", stageId(2), Map.of("amount_minor", 450_000,
                "currency", "USD", "labels", List.of("export", "q1", "partner", "priority")));
        try (var browser = Browser.open("pt-BR")) {
            signIn(browser, tenant.admin().email(), Fixtures.PASSWORD);
            var onBoard = cardOnPage(browser, "Annual plan");
            assertThat(onBoard.getText()).contains("Atrasado").contains("vip").contains("Ana Souza");
            browser.screenshot("board.png");
            onBoard.findElement(By.cssSelector(".card-title")).click();
            var title = browser.waitFor(By.cssSelector("#drawer[open] #d-title"));
            assertThat(browser.driver.getCurrentUrl()).contains("card=" + id);
            var link = browser.waitFor(By.cssSelector("#drawer .links a"));
            assertThat(link.getAttribute("href")).isEqualTo(chatwootOrigin() + "/app/accounts/" + chatwootAccountId + "/conversations/42");
            browser.waitFor(By.cssSelector("#drawer .checklist li"));
            browser.screenshot("card-drawer.png");
            title.clear();
            title.sendKeys("Annual plan (signed)");
            new org.openqa.selenium.support.ui.Select(browser.driver.findElement(By.id("cf-segment"))).selectByValue("b2b");
            browser.driver.findElement(By.cssSelector("label[for='cf-seats']")).click();
            browser.driver.switchTo().activeElement().sendKeys("20");
            browser.driver.findElement(By.cssSelector("#drawer .drawer-form button[type=submit]")).click();
            until("the API shows the change", () -> cardFromApi(id).get("title").asString().equals("Annual plan (signed)"));
            assertThat(cardFromApi(id).get("custom_fields").get("segment").asString()).isEqualTo("b2b");
            assertThat(cardFromApi(id).get("custom_fields").get("seats").asInt()).isEqualTo(20);
            browser.waitFor(driver -> driver.findElement(By.cssSelector("#drawer .drawer-status")).getText()
                    .equals("Salvo.") ? true : null);
            browser.driver.findElement(By.cssSelector("#drawer .checklist input[type=checkbox]")).click();
            until("the API shows the change", () -> cardFromApi(id).get("checklist").get("done").asInt() == 1);
            browser.driver.findElement(By.cssSelector("#drawer .drawer-head button")).click();
            browser.waitFor(driver -> driver.findElements(By.cssSelector("#drawer[open]")).isEmpty() ? true : null);
            cardOnPage(browser, "Annual plan (signed)");
        }
    }

    @Test
    void aConversationsCardEditedInTheDrawerStaysTheCardOfItsChatwootContact() throws Exception {
        var account = AccountId.of(tenant.id());
        var first = conversations.attach(account, new ContactRef("Maria Lima", "+55 11 97777-0000", 77L), 601);
        var id = first.cardId().toString();
        try (var browser = Browser.open("en")) {
            signIn(browser, tenant.admin().email(), Fixtures.PASSWORD);
            cardOnPage(browser, "Maria Lima").findElement(By.cssSelector(".card-title")).click();
            var title = browser.waitFor(By.cssSelector("#drawer[open] #d-title"));
            title.clear();
            title.sendKeys("Maria Lima: yearly plan");
            var contact = browser.driver.findElement(By.id("d-contact"));
            contact.clear();
            contact.sendKeys("Maria Lima Souza");
            browser.driver.findElement(By.cssSelector("#drawer .drawer-form button[type=submit]")).click();
            browser.waitFor(driver -> driver.findElement(By.cssSelector("#drawer .drawer-status")).getText()
                    .equals("Saved.") ? true : null);
        }
        var saved = cardFromApi(id);
        assertThat(saved.get("title").asString()).isEqualTo("Maria Lima: yearly plan");
        assertThat(saved.get("contact").get("chatwoot_contact_id").asLong()).isEqualTo(77);
        assertThat(saved.get("contact").get("name").asString()).isEqualTo("Maria Lima Souza");
        assertThat(saved.get("contact").get("phone").asString()).isEqualTo("+55 11 97777-0000");

        var next = conversations.attach(account, new ContactRef("Maria Lima Souza", null, 77L), 602);
        assertThat(next.cardId()).isEqualTo(first.cardId());
        assertThat(cardFromApi(id).get("conversation_ids")).hasSize(2);
        var cards = http().bearer(tenant.admin().token()).get("/api/v1/accounts/" + tenant.id() + "/boards/"
                + board.get("id").asString() + "/cards").json().get("items");
        assertThat(cards).hasSize(1);
    }

    @Test
    void aCardAssignedToTheSixtiethMemberKeepsItsAssigneeWhenItsTitleIsEditedInTheDrawer() throws Exception {
        var token = tenant.admin().token();
        var accountPath = "/api/v1/accounts/" + tenant.id();
        var limits = http().bearer(fixtures.superAdmin()).put(accountPath + "/entitlements",
                Map.of("limits", Map.of("max_agents", 100)));
        assertThat(limits.status()).as(limits.body()).isEqualTo(200);
        for (int i = 2; i <= 60; i++) {
            var added = http().bearer(token).post(accountPath + "/users", Map.of("email", Fixtures.uniqueEmail("member"),
                    "name", "Member %02d".formatted(i), "role", "agent"));
            assertThat(added.status()).as(added.body()).isEqualTo(201);
        }
        var members = http().bearer(token).get(accountPath + "/users?limit=200").json().get("items");
        assertThat(members).hasSize(60);
        var last = members.get(59);
        var id = apiCard(token, "Renewal", stageId(0), Map.of("assignee_id", last.get("id").asString())).get("id").asString();
        try (var browser = Browser.open("en")) {
            signIn(browser, tenant.admin().email(), Fixtures.PASSWORD);
            var card = cardOnPage(browser, "Renewal");
            assertThat(card.findElement(By.cssSelector(".assignee")).getText()).contains(last.get("name").asString());
            card.findElement(By.cssSelector(".card-title")).click();
            var title = browser.waitFor(By.cssSelector("#drawer[open] #d-title"));
            var assignee = new org.openqa.selenium.support.ui.Select(browser.driver.findElement(By.id("d-assignee")));
            assertThat(assignee.getFirstSelectedOption().getText()).isEqualTo(last.get("name").asString());
            title.clear();
            title.sendKeys("Renewal 2027");
            browser.driver.findElement(By.cssSelector("#drawer .drawer-form button[type=submit]")).click();
            browser.waitFor(driver -> driver.findElement(By.cssSelector("#drawer .drawer-status")).getText()
                    .equals("Saved.") ? true : null);
        }
        var saved = cardFromApi(id);
        assertThat(saved.get("title").asString()).isEqualTo("Renewal 2027");
        assertThat(saved.get("assignee_id").asString()).isEqualTo(last.get("id").asString());
    }

    @Test
    void theEmbedInsideAPageOfTheChatwootOriginShowsTheCardOfTheConversationThatPagePosts() throws Exception {
        var card = apiCard(tenant.admin().token(), "Card of conversation 314", stageId(0),
                Map.of("conversation_ids", List.of(314)));
        CHATWOOT.stubFor(get(urlPathEqualTo("/chatwoot-" + chatwootAccountId)).willReturn(aResponse()
                .withHeader("Content-Type", "text/html; charset=utf-8")
                .withBody(chatwootPage(chatwootAccountId, 314))));
        try (var browser = Browser.open("en")) {
            browser.driver.get(chatwootOrigin() + "/chatwoot-" + chatwootAccountId);
            browser.switchTo().frame(browser.waitFor(By.id("app")));
            browser.waitFor(By.id("email")).sendKeys(tenant.admin().email());
            browser.driver.findElement(By.id("password")).sendKeys(Fixtures.PASSWORD);
            browser.driver.findElement(By.cssSelector("button[type=submit]")).click();
            var title = browser.waitFor(By.cssSelector("#embed-card .embed-title"));
            assertThat(title.getText()).isEqualTo("Card of conversation 314");
            var stage = new org.openqa.selenium.support.ui.Select(browser.driver.findElement(By.id("e-stage")));
            assertThat(stage.getFirstSelectedOption().getAttribute("value")).isEqualTo(stageId(0));
            stage.selectByValue(stageId(1));
            browser.driver.findElement(By.cssSelector("#embed-card form.row button")).click();
            until("the embed moved the card", () -> stageId(1).equals(cardFromApi(card.get("id").asString())
                    .get("stage_id").asString()));
        }
    }

    @Test
    void theEmbedIgnoresAContextFromAnyOtherOriginAndCreatesACardForAConversationWithoutOne() throws Exception {
        CHATWOOT.stubFor(get(urlPathEqualTo("/chatwoot-new-" + chatwootAccountId)).willReturn(aResponse()
                .withHeader("Content-Type", "text/html; charset=utf-8")
                .withBody(chatwootPage(chatwootAccountId, 2718))));
        try (var browser = Browser.open("en")) {
            // opened directly, a page of the hub's own origin posts a forged context: it is not Chatwoot's
            browser.driver.get(base + "/app/embed");
            browser.waitFor(By.id("email")).sendKeys(tenant.admin().email());
            browser.driver.findElement(By.id("password")).sendKeys(Fixtures.PASSWORD);
            browser.driver.findElement(By.cssSelector("button[type=submit]")).click();
            browser.waitFor(driver -> driver.findElement(By.id("embed-status")).getText()
                    .contains("Open a conversation in Chatwoot") ? true : null);
            // a listener added after the embed's own runs after it in the same dispatch: once it has seen the
            // message, the embed has decided; had it taken the context, its status would be cleared for loading
            browser.script("window.addEventListener('message', () => { document.body.dataset.forgedSeen = 'yes'; });"
                    + "window.postMessage(JSON.stringify({event: 'appContext', data: {conversation: "
                    + "{id: 2718, account_id: " + chatwootAccountId + "}}}), '*');");
            browser.waitFor(driver -> "yes".equals(driver.findElement(By.tagName("body")).getAttribute("data-forged-seen"))
                    ? true : null);
            assertThat(browser.driver.findElement(By.id("embed-status")).getText()).contains("Open a conversation in Chatwoot");
            assertThat(browser.driver.findElements(By.cssSelector("#embed-card *"))).isEmpty();

            // the fake Chatwoot is on the same site (localhost, another port): the embed's partitioned sign-in holds there
            browser.driver.get(chatwootOrigin() + "/chatwoot-new-" + chatwootAccountId);
            browser.switchTo().frame(browser.waitFor(By.id("app")));
            var create = browser.waitFor(By.cssSelector("#embed-card button.btn-primary"));
            assertThat(browser.driver.findElement(By.id("embed-card")).getText()).contains("has no card yet");
            create.click();
            var title = browser.waitFor(By.cssSelector("#embed-card .embed-title"));
            assertThat(title.getText()).isNotBlank();
            var cards = http().bearer(tenant.admin().token()).get("/api/v1/accounts/" + tenant.id() + "/boards/"
                    + board.get("id").asString() + "/cards").json().get("items");
            assertThat(cards).anySatisfy(c -> assertThat(c.get("conversation_ids").toString()).contains("2718"));
        }
    }

    /** What Chatwoot does for a Dashboard App: answers fetch-info with the conversation's context, as a JSON string. */
    String chatwootPage(long chatwootAccount, long conversation) {
        var hub = base;
        return """
                <!DOCTYPE html><html lang="en"><head><title>Chatwoot</title></head><body>
                <iframe id="app" title="WhatPro Hub" src="%s/app/embed" width="600" height="700"></iframe>
                <script>
                window.addEventListener('message', function (event) {
                  if (event.origin !== '%s' || event.data !== 'chatwoot-dashboard-app:fetch-info') return;
                  document.getElementById('app').contentWindow.postMessage(JSON.stringify({event: 'appContext', data: {
                    conversation: {id: %d, account_id: %d, inbox_id: 1, meta: {sender: {id: 77, name: 'Maria Lima'}}},
                    contact: {id: 77, name: 'Maria Lima'}, currentAgent: {id: 1, name: 'Agent', email: 'a@example.test'}}}), '*');
                });
                </script></body></html>
                """.formatted(hub, hub, conversation, chatwootAccount);
    }

    @Test
    void pagesSpeakPortugueseByDefaultAndEnglishWhenChosen() throws Exception {
        try (var browser = Browser.open("pt-BR")) {
            browser.driver.get(base + "/app/login");
            assertThat(browser.waitFor(By.tagName("h1")).getText()).isEqualTo("Entrar");
            assertThat(browser.driver.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("pt-BR");
            browser.driver.findElement(By.cssSelector(".auth-lang a")).click();
            browser.waitFor(driver -> driver.findElement(By.tagName("h1")).getText().equals("Sign in") ? true : null);
            assertThat(browser.driver.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("en");
            browser.driver.findElement(By.id("email")).sendKeys(tenant.admin().email());
            browser.driver.findElement(By.id("password")).sendKeys("wrong password");
            browser.driver.findElement(By.cssSelector("form[action='/app/login'] button[type=submit]")).click();
            assertThat(browser.waitFor(By.cssSelector("[role=alert]")).getText())
                    .isEqualTo("The e-mail or the password is not right. Check them and try again.");
            browser.driver.findElement(By.id("password")).sendKeys(Fixtures.PASSWORD);
            browser.driver.findElement(By.cssSelector("form[action='/app/login'] button[type=submit]")).click();
            boardShown(browser);
            assertThat(browser.waitFor(By.cssSelector("button.add-card")).getText()).contains("Add card");
            assertThat(browser.driver.findElement(By.cssSelector("#f-q")).getAttribute("placeholder"))
                    .isEqualTo("Title, contact or phone (press /)");
        }
        try (var browser = Browser.open("en-US")) {
            browser.driver.get(base + "/app/login");
            assertThat(browser.waitFor(By.tagName("h1")).getText()).isEqualTo("Sign in");
        }
    }

    @Test
    void axeFindsNoSeriousOrCriticalViolationOnTheSignInAndBoardPages() throws Exception {
        apiCard(tenant.admin().token(), "Accessible card", stageId(0), Map.of("amount_minor", 5000, "currency", "BRL",
                "labels", List.of("lead"), "due_at", "2020-01-01T00:00:00Z"));
        try (var browser = Browser.open("pt-BR")) {
            browser.driver.get(base + "/app/login");
            browser.waitFor(By.id("email"));
            assertThat(browser.seriousAccessibilityViolations()).as("sign-in page").isEmpty();
            signIn(browser, tenant.admin().email(), Fixtures.PASSWORD);
            cardOnPage(browser, "Accessible card");
            assertThat(browser.seriousAccessibilityViolations()).as("board page").isEmpty();
            cardOnPage(browser, "Accessible card").findElement(By.cssSelector(".card-title")).click();
            browser.waitFor(By.cssSelector("#drawer[open] #d-title"));
            browser.waitFor(By.cssSelector("#drawer .history li"));
            assertThat(browser.seriousAccessibilityViolations()).as("card drawer").isEmpty();
        }
    }

    @Test
    void aCardSaysHowManyDaysItHasBeenInItsStageAndSlashJumpsToTheSearch() throws Exception {
        var quiet = apiCard(tenant.admin().token(), "Quiet lead", stageId(0), Map.of());
        TestInfrastructure.owner().execute("update cards set entered_stage_at = now() - interval '3 days 2 hours'"
                + " where id = '" + quiet.get("id").asString() + "'");
        apiCard(tenant.admin().token(), "Fresh lead", stageId(0), Map.of());
        try (var browser = Browser.open("en")) {
            signIn(browser, tenant.admin().email(), Fixtures.PASSWORD);
            var days = cardOnPage(browser, "Quiet lead").findElement(By.cssSelector(".in-stage"));
            assertThat(days.getText()).isEqualTo("⏳ 3 d in this stage");
            assertThat(days.getAttribute("title")).startsWith("In this stage since ");
            assertThat(cardOnPage(browser, "Fresh lead").findElements(By.cssSelector(".in-stage")))
                    .as("not before a full day").isEmpty();

            new Actions(browser.driver).sendKeys("/").perform();
            browser.waitFor(driver -> "f-q".equals(driver.switchTo().activeElement().getAttribute("id")) ? true : null);
            new Actions(browser.driver).sendKeys("a/b").perform();
            assertThat(browser.driver.findElement(By.id("f-q")).getAttribute("value"))
                    .as("in the search a slash is typed").isEqualTo("a/b");
            assertThat(browser.seriousAccessibilityViolations()).isEmpty();
        }
    }

    @Test
    void exportsTheCardsTheFiltersShowAsCsvAndSaysHowMany() throws Exception {
        apiCard(tenant.admin().token(), "Lead even", stageId(0), Map.of("labels", List.of("even")));
        apiCard(tenant.admin().token(), "Lead odd", stageId(0), Map.of("labels", List.of("odd")));
        try (var browser = Browser.open("en")) {
            signIn(browser, tenant.admin().email(), Fixtures.PASSWORD);
            var downloads = java.nio.file.Files.createTempDirectory("whatpro-export");
            browser.driver.executeCdpCommand("Browser.setDownloadBehavior",
                    Map.of("behavior", "allow", "downloadPath", downloads.toString()));
            browser.driver.get(base + "/app/a/" + tenant.id() + "/board?label=even");
            cardOnPage(browser, "Lead even");

            browser.driver.findElement(By.id("f-export")).click();

            var name = board.get("name").asString() + ".csv";
            browser.waitFor(driver -> driver.findElement(By.id("export-status")).getText()
                    .equals("Exported 1 card(s) to " + name + ".") ? true : null);
            var file = downloads.resolve(name);
            browser.waitFor(driver -> java.nio.file.Files.exists(file) ? true : null);
            var lines = java.nio.file.Files.readAllLines(file);
            assertThat(lines).hasSize(2);
            assertThat(lines.get(1)).contains(",Lead even,").doesNotContain("Lead odd");
            var audit = http().bearer(tenant.admin().token())
                    .get("/api/v1/accounts/" + tenant.id() + "/audit-logs?action=board.exported").json().get("items");
            assertThat(audit).singleElement().satisfies(entry -> {
                assertThat(entry.get("changes").get("label").asString()).isEqualTo("even");
                assertThat(entry.get("changes").get("cards").asInt()).isEqualTo(1);
            });
            assertThat(browser.seriousAccessibilityViolations()).isEmpty();
        }
    }

    @Test
    void filtersAreKeptInTheUrlAndLoadMoreFetchesTheRestOfAColumn() throws Exception {
        for (int i = 1; i <= 27; i++) {
            apiCard(tenant.admin().token(), "Lead " + i, stageId(0), Map.of("labels", List.of(i % 2 == 0 ? "even" : "odd")));
        }
        try (var browser = Browser.open("en")) {
            signIn(browser, tenant.admin().email(), Fixtures.PASSWORD);
            var list = By.cssSelector("ol.cards[data-stage-id='" + stageId(0) + "'] li.card");
            browser.waitFor(driver -> driver.findElements(list).size() == 25 ? true : null);
            column(browser, stageId(0)).findElement(By.cssSelector("button.load-more")).click();
            browser.waitFor(driver -> driver.findElements(list).size() == 27 ? true : null);
            browser.driver.findElement(By.id("f-label")).sendKeys("even");
            browser.driver.findElement(By.cssSelector("#filters button[type=submit]")).click();
            browser.waitFor(driver -> driver.findElements(list).size() == 13 ? true : null);
            assertThat(browser.driver.getCurrentUrl()).contains("label=even");
            browser.driver.navigate().refresh();
            browser.waitFor(driver -> driver.findElements(list).size() == 13 ? true : null);
            assertThat(browser.driver.findElement(By.id("f-label")).getAttribute("value")).isEqualTo("even");
        }
    }

    @Test
    void endingThisSessionOnTheSessionsPageGoesToTheSignInPage() throws Exception {
        try (var browser = Browser.open("en")) {
            signIn(browser, tenant.admin().email(), Fixtures.PASSWORD);
            browser.driver.findElement(By.cssSelector(".nav a[href='/app/sessions']")).click();
            var mine = browser.waitFor(driver -> driver.findElements(By.cssSelector("tr[data-session-id]")).stream()
                    .filter(row -> row.getText().contains("This session")).findFirst().orElse(null));
            mine.findElement(By.cssSelector("button[type=submit]")).click();
            browser.waitFor(driver -> driver.getCurrentUrl().endsWith("/app/login") ? true : null);
            assertThat(browser.waitFor(By.tagName("h1")).getText()).isEqualTo("Sign in");
            assertThat(browser.driver.findElements(By.cssSelector("tr[data-session-id]"))).isEmpty();
        }
    }

    @Test
    void aBoardWhoseSessionEndedSaysSoWithASignInLinkInsteadOfReconnecting() throws Exception {
        try (var network = new DroppingProxy(port); var browser = Browser.open("en")) {
            base = network.base();
            signIn(browser, tenant.admin().email(), Fixtures.PASSWORD);
            browser.waitFor(driver -> driver.findElement(By.id("live")).getText().contains("Live") ? true : null);
            var sessions = http().bearer(tenant.admin().token()).get("/api/v1/auth/sessions").json().get("items");
            var web = java.util.stream.StreamSupport.stream(sessions.spliterator(), false)
                    .filter(s -> !s.get("current").asBoolean()).findFirst().orElseThrow().get("id").asString();
            assertThat(http().bearer(tenant.admin().token()).delete("/api/v1/auth/sessions/" + web).status()).isEqualTo(204);

            // the connection drops; reconnecting, the board finds its session ended
            network.dropAll();
            var link = browser.waitFor(Duration.ofSeconds(20), driver -> driver.findElements(By.cssSelector("#live a"))
                    .stream().findFirst().orElse(null));
            assertThat(link.getText()).isEqualTo("Your session ended. Sign in again.");
            link.click();
            browser.waitFor(driver -> driver.getCurrentUrl().contains("/app/login?next=") ? true : null);
            assertThat(browser.waitFor(By.tagName("h1")).getText()).isEqualTo("Sign in");
        }
    }

    @Test
    void theSessionsPageListsTheApiSessionBesideThisOneAndEndsIt() throws Exception {
        var apiToken = tenant.admin().token();
        assertThat(http().bearer(apiToken).get("/api/v1/auth/me").status()).isEqualTo(200);
        try (var browser = Browser.open("en")) {
            signIn(browser, tenant.admin().email(), Fixtures.PASSWORD);
            browser.driver.findElement(By.cssSelector(".nav a[href='/app/sessions']")).click();
            browser.waitFor(driver -> driver.findElements(By.cssSelector("tr[data-session-id]")).size() == 2 ? true : null);
            var other = browser.driver.findElements(By.cssSelector("tr[data-session-id]")).stream()
                    .filter(row -> !row.getText().contains("This session")).findFirst().orElseThrow();
            other.findElement(By.cssSelector("button[type=submit]")).click();
            browser.waitFor(By.cssSelector("tr.revoked-row [role=status]"));
            assertThat(http().bearer(apiToken).get("/api/v1/auth/me").status()).isEqualTo(401);
            assertThat(browser.driver.findElements(By.cssSelector("tr[data-session-id]"))).hasSize(1);
        }
    }
}
