package dev.conduit.platform.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class TurnsTest {
    private static final LongSupplier LONG = () -> Duration.ofSeconds(5).toNanos();

    @Test
    void permitsGoToTheWaitersInTheirOrderOfArrivalAndNoOneBargesPastThem() throws Exception {
        var turns = new Turns(1);
        assertThat(turns.take(LONG)).isTrue();
        List<Integer> served = new CopyOnWriteArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 3; i++) {
                int n = i;
                pool.submit(() -> {
                    assertThat(turns.take(LONG)).isTrue();
                    served.add(n);
                    turns.release();
                });
                waitUntilWaiting(turns, i + 1);
            }
            turns.release();
        }
        assertThat(served).containsExactly(0, 1, 2);
        assertThat(turns.waiting()).isZero();
        assertThat(turns.availablePermits()).isOne();
    }

    @Test
    void aWaiterGivesUpWhenItsPatienceRunsOutAndThePermitGoesToTheNext() throws Exception {
        var turns = new Turns(1);
        assertThat(turns.take(LONG)).isTrue();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var impatient = pool.submit(() -> turns.take(() -> Duration.ofMillis(30).toNanos()));
            waitUntilWaiting(turns, 1);
            var patient = pool.submit(() -> turns.take(LONG));
            assertThat(impatient.get(5, TimeUnit.SECONDS)).isFalse();
            turns.release();
            assertThat(patient.get(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(turns.waiting()).isZero();
        assertThat(turns.availablePermits()).isZero();
    }

    @Test
    void wokenAfterTheirPatienceShrankThoseWhoWaitedLongerGiveUpAndTheRecentOnesWaitOn() throws Exception {
        var turns = new Turns(1);
        var patience = new AtomicLong(Duration.ofSeconds(5).toNanos());
        assertThat(turns.take(LONG)).isTrue();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var early = pool.submit(() -> turns.take(patience::get));
            waitUntilWaiting(turns, 1);
            Thread.sleep(200);
            var late = pool.submit(() -> turns.take(patience::get));
            waitUntilWaiting(turns, 2);
            patience.set(Duration.ofMillis(150).toNanos());
            long woken = System.nanoTime();
            turns.wakeAll();
            assertThat(early.get(5, TimeUnit.SECONDS)).as("waited 200 ms already").isFalse();
            assertThat((System.nanoTime() - woken) / 1_000_000).as("at once, not at its first wait's end")
                    .isLessThan(1000);
            assertThat(late.isDone()).isFalse();
            turns.release();
            assertThat(late.get(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aShrinkIsPaidOffByThePermitsThatComeBackBeforeAnyWaiterGetsOne() throws Exception {
        var turns = new Turns(2);
        assertThat(turns.take(LONG)).isTrue();
        assertThat(turns.take(LONG)).isTrue();
        turns.shrink(1);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var waiter = pool.submit(() -> turns.take(LONG));
            waitUntilWaiting(turns, 1);
            turns.release();
            Thread.sleep(100);
            assertThat(waiter.isDone()).as("the first permit back pays the shrink off").isFalse();
            turns.release();
            assertThat(waiter.get(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void anInterruptedWaiterGivesUpAndKeepsItsInterrupt() throws Exception {
        var turns = new Turns(1);
        assertThat(turns.take(LONG)).isTrue();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var waiter = pool.submit(() -> {
                boolean took = turns.take(LONG);
                return !took && Thread.currentThread().isInterrupted();
            });
            waitUntilWaiting(turns, 1);
            waiter.cancel(true);
            Thread.sleep(100);
        }
        assertThat(turns.waiting()).isZero();
        turns.release();
        assertThat(turns.availablePermits()).as("not handed to the one that gave up").isOne();
    }

    private static void waitUntilWaiting(Turns turns, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (turns.waiting() < n && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(turns.waiting()).isEqualTo(n);
    }
}
