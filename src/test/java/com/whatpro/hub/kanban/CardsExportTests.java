package com.whatpro.hub.kanban;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatpro.hub.TestInfrastructure;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A board's cards as CSV for a spreadsheet: what a person opening the file sees, and what may not get in. */
class CardsExportTests extends KanbanTest {

    String export(String query) {
        return admin.base + "/boards/" + boardId + "/cards/export" + query;
    }

    @Test
    void theCardsComeOutInBoardOrderQuotedAndWithFormulasDefused() {
        admin.card(boardId, Map.of("stage_id", stage("A"), "title", "Proposta \"grande\", urgente",
                "contact", Map.of("name", "José da Silva", "phone", "+5511977770001"),
                "amount_minor", 123456, "currency", "BRL", "labels", List.of("vip", "2026"),
                "assignee_id", tenant.admin().id().toString()));
        admin.card(boardId, Map.of("stage_id", stage("A"), "title", "=HYPERLINK(\"http://evil.example\",\"x\")"));
        admin.card(boardId, Map.of("stage_id", stage("B"), "title", "Segunda\nlinha", "labels", List.of("other")));

        var response = admin.http.get(export(""));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.header("Content-Type")).isEqualTo("text/csv;charset=UTF-8");
        assertThat(response.header("Content-Disposition")).startsWith("attachment;").contains("Pipeline.csv");
        assertThat(response.header("X-Card-Count")).isEqualTo("3");
        assertThat(response.body()).startsWith("\uFEFFid,title,stage,contact_name,contact_phone,amount,currency,"
                + "priority,labels,assignee,assignee_email,due_at,in_stage_since,overdue,created_at\r\n");
        var lines = response.body().split("\r\n");
        assertThat(lines).hasSize(4);
        assertThat(lines[1]).contains(",\"Proposta \"\"grande\"\", urgente\",A,José da Silva,'+5511977770001,1234.56,"
                + "BRL,normal,vip; 2026,").contains("," + tenant.admin().email() + ",");
        assertThat(lines[2]).as("a spreadsheet shows it as text instead of running it")
                .contains(",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",A,");
        assertThat(lines[3]).contains(",\"Segunda\nlinha\",B,").contains(",other,");

        var filtered = admin.http.get(export("?label=other")).body().split("\r\n");
        assertThat(Arrays.stream(filtered).skip(1)).singleElement().asString().contains("Segunda");

        assertThat(admin.http.get(export("?overdue=false")).status()).as("not overdue: a filter too").isEqualTo(200);
        var audit = admin.http.get(admin.base + "/audit-logs?action=board.exported").json().get("items");
        assertThat(audit).hasSize(3);
        assertThat(audit.get(0).get("changes").get("overdue").asBoolean(true)).isFalse();
        assertThat(audit.get(1).get("changes").get("cards").asInt()).isEqualTo(1);
        assertThat(audit.get(1).get("changes").get("label").asString()).isEqualTo("other");
    }

    @Test
    void anotherAccountsBoardCannotBeExportedAndBadFiltersAreRefused() {
        var other = fixtures.tenant("Other exporter");

        assertThat(http().bearer(other.admin().token()).get("/api/v1/accounts/" + other.id() + "/boards/" + boardId
                + "/cards/export").status()).isEqualTo(404);
        assertThat(http().bearer(other.admin().token()).get(export("")).status()).isEqualTo(404);
        var refused = admin.http.get(export("?priority=whenever"));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void moreCardsThanAnExportHoldsAreRefusedAskingForFilters() throws Exception {
        TestInfrastructure.owner().execute("insert into cards (id, account_id, board_id, stage_id, rank, title)"
                + " select gen_random_uuid(), " + tenant.id() + ", '" + boardId + "', '" + stage("A") + "',"
                + " 'a0' || lpad(g::text, 6, '0') || 'V', 'bulk ' || g from generate_series(1, "
                + (CardsExport.MAX_CARDS + 1) + ") g");

        var refused = admin.http.get(export(""));

        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("type").asString()).endsWith("export-too-large");
        assertThat(admin.http.get(export("?q=bulk%209999")).status()).as("narrowed, it goes").isEqualTo(200);
    }
}
