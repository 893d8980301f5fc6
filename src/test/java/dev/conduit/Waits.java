package dev.conduit;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * How a test waits for what happens in the background (a job run, a mail sent, a metric counted): Awaitility, asking
 * every 10 ms on the test's own thread, failing once {@code limit} has passed.
 */
public final class Waits {
    private Waits() {
    }

    public static ConditionFactory upTo(Duration limit) {
        return Awaitility.await().atMost(limit).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                .pollInSameThread();
    }
}
