package com.whatpro.hub.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Tenancy;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The claims under which a message is posted into Chatwoot and a contact's conversation is opened: a job that finds
 * one held by another run waits for it, holding nothing, and is postponed without using up an attempt when the wait
 * is long, so a contended claim never makes a dead letter; the message is posted once, after the claim is given back
 * or expires. A claim a dead holder left behind is taken over, and a holder whose claim was taken over stops before
 * its next Chatwoot call.
 */
class ChatwootClaimsTests extends GatewayTest {

    static final long INBOX = 67;

    @Autowired
    Claims claims;

    @Autowired
    GatewayMaintenance maintenance;

    Gateway.Provider provider;

    ChatwootClaimsTests() {
        super(INBOX);
    }

    @BeforeEach
    void anEvolutionNumber() {
        provider = evolutionNumber();
    }

    @Test
    void aMessageOfAContactClaimedElsewhereWaitsWithoutUsingAttemptsAndIsPostedOnceWhenTheClaimIsGivenBack() {
        var id = "3EB0CH" + InboundBridgeTests.suffix();
        claim("conversation:" + INBOX + ":+5511966661001", "now() + interval '1 minute'");

        receive(id, "5511966661001@s.whatsapp.net");
        Eventually.until("the job, having waited for the claim, is postponed", () -> Gateway.query(
                "select claimed_by is not null and claim_token is null and status = 'pending' from gateway_jobs"
                        + " where dedup_key like '%:message:" + id + "'").equals("t"));
        assertThat(chatwoot.conversations(chatwootAccount)).as("nothing opened under another's claim").isEmpty();
        assertThat(chatwoot.messages(chatwootAccount)).isEmpty();

        Gateway.sql("delete from gateway_claims where account_id = " + tenant.id());
        Eventually.worked(tenant.id(), messageJob(id));

        assertThat(chatwoot.conversations(chatwootAccount)).hasSize(1);
        assertThat(chatwoot.messages(chatwootAccount)).extracting(FakeChatwoot.Message::sourceId)
                .containsExactly("whatpro:wa:" + id);
        assertThat(job(id)).as("done at its first attempt, however often it waited").isEqualTo("done 1");
        assertThat(claimsLeft()).isZero();
    }

    @Test
    void aMessageWhosePostIsClaimedByAHolderThatNeverGivesItBackIsPostedOnceTheClaimExpires() {
        var id = "3EB0CE" + InboundBridgeTests.suffix();
        claim("chatwoot-post:whatpro:wa:" + id, "now() + interval '3 seconds'");
        var expiry = Long.parseLong(Gateway.query("select floor(extract(epoch from expires_at) * 1000)::bigint"
                + " from gateway_claims where account_id = " + tenant.id()));

        receive(id, "5511966661002@s.whatsapp.net");
        Eventually.worked(tenant.id(), messageJob(id));

        assertThat(chatwoot.messages(chatwootAccount)).extracting(FakeChatwoot.Message::sourceId)
                .containsExactly("whatpro:wa:" + id);
        var posted = chatwoot.served(chatwootAccount).stream()
                .filter(event -> event.getRequest().getMethod().getName().equals("POST")
                        && URI.create(event.getRequest().getUrl()).getPath().endsWith("/messages"))
                .mapToLong(event -> event.getRequest().getLoggedDate().getTime()).min().orElseThrow();
        assertThat(posted).as("posted only once the claim expired").isGreaterThanOrEqualTo(expiry);
        assertThat(job(id)).isEqualTo("done 1");
        assertThat(claimsLeft()).isZero();
    }

    @Test
    void claimsADeadHolderLeftBehindAreTakenOverAtOnceAndPurgedWhenNobodyTakesThem() {
        var id = "3EB0CS" + InboundBridgeTests.suffix();
        claim("conversation:" + INBOX + ":+5511966661003", "now() - interval '1 second'");
        claim("chatwoot-post:whatpro:wa:" + id, "now() - interval '1 second'");
        claim("chatwoot-post:whatpro:wa:long-gone", "now() - interval '1 hour'");

        assertPostedOnceWithoutWaiting(id, "5511966661003@s.whatsapp.net", "no wait for a stale claim");
        assertThat(claimsLeft()).as("the long-expired claim nobody wanted").isOne();

        maintenance.purge();
        assertThat(claimsLeft()).isZero();
    }

    /** Claim keys come from Chatwoot's and WhatsApp's ids, which two accounts may share: a claim is the account's. */
    @Test
    void anotherAccountsLiveClaimsOnTheSameKeysHoldNothingBackHere() {
        var id = "3EB0CO" + InboundBridgeTests.suffix();
        var other = new Fixtures(http()).tenant("Claims elsewhere");
        claim(other.id(), "conversation:" + INBOX + ":+5511966661004", "now() + interval '1 minute'");
        claim(other.id(), "chatwoot-post:whatpro:wa:" + id, "now() + interval '1 minute'");

        assertPostedOnceWithoutWaiting(id, "5511966661004@s.whatsapp.net", "no wait for the other's claims");
        assertThat(Gateway.query("select count(*) from gateway_claims where account_id = " + other.id()))
                .as("the other account's claims are untouched").isEqualTo("2");
        Gateway.sql("delete from gateway_claims where account_id = " + other.id());
    }

    @Test
    void aHolderWhoseClaimExpiredAndWasTakenOverStopsAndCannotGiveBackTheNewHoldersClaim() {
        var account = AccountId.of(tenant.id());
        var first = Tenancy.callAs(account, () -> claims.take(account, "chatwoot-post:taken-over"));
        Tenancy.runAs(account, first::ensureHeld);
        assertThatThrownBy(() -> Tenancy.callAs(account, () -> claims.take(account, "chatwoot-post:taken-over")))
                .as("held by the first").isInstanceOf(JobFailure.NotYet.class);

        Gateway.sql("update gateway_claims set expires_at = now() - interval '1 second' where account_id = "
                + tenant.id());
        var second = Tenancy.callAs(account, () -> claims.take(account, "chatwoot-post:taken-over"));

        assertThatThrownBy(() -> Tenancy.runAs(account, first::ensureHeld)).isInstanceOf(JobFailure.NotYet.class);
        Tenancy.runAs(account, first::release);
        assertThat(claimsLeft()).as("the second holder's claim stays").isOne();
        Tenancy.runAs(account, second::ensureHeld);
        Tenancy.runAs(account, second::release);
        assertThat(claimsLeft()).isZero();
    }

    /** The message is received, and posted into Chatwoot once, by its job's first run, without waiting out a claim. */
    private void assertPostedOnceWithoutWaiting(String id, String jid, String why) {
        var started = System.nanoTime();
        receive(id, jid);
        Eventually.worked(tenant.id(), messageJob(id));

        assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).as(why).isLessThan(Claims.WAIT);
        assertThat(chatwoot.messages(chatwootAccount)).extracting(FakeChatwoot.Message::sourceId)
                .containsExactly("whatpro:wa:" + id);
        assertThat(job(id)).isEqualTo("done 1");
    }

    private void claim(String key, String expiresAt) {
        claim(tenant.id(), key, expiresAt);
    }

    private static void claim(long account, String key, String expiresAt) {
        Gateway.sql("insert into gateway_claims (account_id, claim_key, holder, expires_at) values (" + account
                + ", '" + key + "', gen_random_uuid(), " + expiresAt + ")");
    }

    private void receive(String id, String jid) {
        var response = Gateway.post(http(), provider.webhookPath(), Gateway.evolutionMessage(provider.key(), id, jid,
                "Clara", "claimed?", false), Map.of());
        assertThat(response.status()).isEqualTo(200);
    }

    private String messageJob(String id) {
        return Gateway.query("select dedup_key from gateway_jobs where dedup_key like '%:message:" + id + "'");
    }

    private static String job(String id) {
        return Gateway.query("select status || ' ' || attempts from gateway_jobs where dedup_key like '%:message:"
                + id + "'");
    }

    private long claimsLeft() {
        return Long.parseLong(Gateway.query("select count(*) from gateway_claims where account_id = " + tenant.id()));
    }
}
