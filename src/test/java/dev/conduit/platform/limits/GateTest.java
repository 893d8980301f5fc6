package dev.conduit.platform.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GateTest {
    private static final Duration WAIT = Duration.ofMillis(300);
    private static final Duration OVERLOAD_WAIT = Duration.ofMillis(20);

    @Test
    void moreWaitingThanItReleasesInAWaitIsAnOverloadAndRefusalsKeepItUp() throws Exception {
        var gate = one();
        assertThat(gate.enter()).isTrue();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            // nothing released lately: two waiting are more than it releases in a wait, and than its one permit
            var first = pool.submit(() -> millis(() -> assertThat(gate.enter()).isFalse()));
            var second = pool.submit(() -> millis(() -> assertThat(gate.enter()).isFalse()));
            waitUntilWaiting(gate, 2);
            assertThat(millis(() -> assertThat(gate.enter()).isFalse())).as("the overload wait").isLessThan(200);
            assertThat(gate.overloaded()).isTrue();
            // they came before the overload, but its start shortened their wait too
            assertThat(first.get(5, TimeUnit.SECONDS)).as("not the wait they came with").isLessThan(WAIT.toMillis());
            assertThat(second.get(5, TimeUnit.SECONDS)).isLessThan(WAIT.toMillis());
        }
        // no one waiting now, but a refusal within the hold keeps the overload up
        Thread.sleep(Gate.INTERVAL.toMillis() + 10);
        assertThat(millis(() -> assertThat(gate.enter()).isFalse())).isLessThan(200);
        gate.leave();
        Thread.sleep(Gate.HOLD.toMillis() + 10);
        assertThat(gate.enter()).isTrue();
        assertThat(gate.overloaded()).isFalse();
        assertThat(gate.refused()).isEqualTo(4);
    }

    @Test
    void aQueueNoLongerThanItsPermitsIsNoOverloadEvenAfterAnIdleTime() throws Exception {
        var gate = one();
        assertThat(gate.enter()).isTrue();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            // nothing released lately (a closed-loop client starting): one waiting is still a short queue
            var first = pool.submit(gate::enter);
            Thread.sleep(Gate.INTERVAL.toMillis() + 10);
            assertThat(gate.overloaded()).isFalse();
            gate.leave();
            assertThat(first.get(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aRefusalFurtherOnKeepsTheOverloadUp() throws Exception {
        var gate = one();
        assertThat(gate.enter()).isTrue();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var first = pool.submit(gate::enter);
            var second = pool.submit(gate::enter);
            waitUntilWaiting(gate, 2);
            assertThat(gate.enter()).isFalse();
            assertThat(first.get(5, TimeUnit.SECONDS)).isFalse();
            assertThat(second.get(5, TimeUnit.SECONDS)).isFalse();
        }
        gate.leave();
        Thread.sleep(Gate.HOLD.toMillis() / 2);
        gate.refusedFurther();
        Thread.sleep(Gate.HOLD.toMillis() / 2 + 100); // a hold after the last refusal here, not after the one further
        assertThat(gate.enter()).isTrue();
        assertThat(gate.overloaded()).isTrue();
    }

    @Test
    void aClosedLoopClientStartingAfterAnIdleTimeIsNotRefusedEarly() throws Exception {
        // CI at e00b8b2: 64 connections after an idle time, the limit at its floor: 48 waiting, nothing released
        var gate = new Gate(128, rate -> 16, Duration.ofSeconds(2), OVERLOAD_WAIT);
        Thread.sleep(Gate.INTERVAL.toMillis() + 10);
        for (int i = 0; i < 16; i++) {
            assertThat(gate.enter()).isTrue();
        }
        assertThat(gate.permits()).isEqualTo(16);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var waiting = new ArrayList<Future<Boolean>>();
            for (int i = 0; i < 48; i++) {
                waiting.add(pool.submit(() -> enterAndLeave(gate)));
            }
            waitUntilWaiting(gate, 48);
            var next = pool.submit(() -> enterAndLeave(gate)); // closes an interval: 48 waiting, none released
            Thread.sleep(100);
            assertThat(next).as("waits the full wait, not the overload wait").isNotDone();
            assertThat(gate.overloaded()).isFalse();
            waiting.add(next);
            for (int i = 0; i < 16; i++) {
                gate.leave();
            }
            for (var one : waiting) {
                assertThat(one.get(5, TimeUnit.SECONDS)).isTrue();
            }
        }
        assertThat(gate.refused()).isZero();
    }

    @Test
    void aRefusalAloneDoesNotStartAnOverload() throws Exception {
        var gate = one();
        assertThat(gate.enter()).isTrue();
        assertThat(millis(() -> assertThat(gate.enter()).isFalse())).isGreaterThanOrEqualTo(300);
        Thread.sleep(Gate.INTERVAL.toMillis() + 10);
        assertThat(millis(() -> assertThat(gate.enter()).isFalse())).as("the full wait again")
                .isGreaterThanOrEqualTo(300);
        assertThat(gate.overloaded()).isFalse();
    }

    @Test
    void aWaitingOneIsServedInItsTurn() throws Exception {
        var gate = one();
        assertThat(gate.enter()).isTrue();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var waiting = pool.submit(gate::enter);
            Thread.sleep(150);
            assertThat(waiting).isNotDone();
            gate.leave();
            assertThat(waiting.get(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(gate.inUse()).isEqualTo(1);
    }

    @Test
    void thePermitsFollowTheSizing() throws Exception {
        var gate = new Gate(4, rate -> rate > 0 ? 2 : 3, WAIT, OVERLOAD_WAIT);
        assertThat(gate.permits()).isEqualTo(4);
        assertThat(gate.enter()).isTrue();
        gate.leave();
        Thread.sleep(Gate.INTERVAL.toMillis() + 10);
        assertThat(gate.enter()).isTrue();
        assertThat(gate.permits()).isEqualTo(2);
        assertThat(gate.inUse()).isEqualTo(1);
        assertThat(gate.enter()).isTrue();
        assertThat(millis(() -> assertThat(gate.enter()).isFalse())).as("two at once only")
                .isGreaterThanOrEqualTo(300);
    }

    /** One permit, always. */
    private static Gate one() {
        return new Gate(1, rate -> 1, WAIT, OVERLOAD_WAIT);
    }

    private static boolean enterAndLeave(Gate gate) {
        boolean entered = gate.enter();
        if (entered) {
            gate.leave();
        }
        return entered;
    }

    private static void waitUntilWaiting(Gate gate, int n) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (gate.waiting() < n && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertThat(gate.waiting()).isEqualTo(n);
        Thread.sleep(Gate.INTERVAL.toMillis() + 10); // the next entry closes an interval
    }

    private static long millis(Runnable action) {
        long start = System.nanoTime();
        action.run();
        return (System.nanoTime() - start) / 1_000_000;
    }
}
