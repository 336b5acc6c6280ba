package com.whatpro.hub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** One caller's export must not pile up behind another's: a busy key is refused at once, other keys run. */
class KeyedTurnsTest {

    @Test
    void workThatRunsOnlyWhenFreeIsRefusedWhileItsKeyIsBusyAndRunsOnceItIsFree() throws Exception {
        var turns = new KeyedTurns<String>();
        var inside = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var first = Thread.ofVirtual().start(() -> turns.ifFree("acme", () -> {
            inside.countDown();
            await(release);
            return 1;
        }));
        inside.await();

        assertThat(turns.ifFree("acme", () -> 2)).as("the same key, while busy").isEmpty();
        assertThat(turns.ifFree("globex", () -> 3)).as("another key").contains(3);

        release.countDown();
        first.join();
        assertThat(turns.ifFree("acme", () -> 4)).as("the same key, once free").contains(4);
        assertThat(turns.inTurn("acme", () -> 5)).isEqualTo(5);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
