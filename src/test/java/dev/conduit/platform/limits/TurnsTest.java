package dev.conduit.platform.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
            assertThat(turns.take(() -> 0)).as("no barging past those waiting").isFalse();
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
            var first = pool.submit(() -> turns.take(LONG));
            waitUntilWaiting(turns, 1);
            var impatient = pool.submit(() -> turns.take(() -> Duration.ofMillis(300).toNanos()));
            waitUntilWaiting(turns, 2);
            var patient = pool.submit(() -> turns.take(LONG));
            waitUntilWaiting(turns, 3);
            assertThat(impatient.get(5, TimeUnit.SECONDS)).as("gave up from the middle of the queue").isFalse();
            turns.release();
            assertThat(first.get(5, TimeUnit.SECONDS)).isTrue();
            turns.release();
            assertThat(patient.get(5, TimeUnit.SECONDS)).as("the permit skipped the one that gave up").isTrue();
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
            Thread.sleep(300);
            var late = pool.submit(() -> turns.take(patience::get));
            waitUntilWaiting(turns, 2);
            // early has waited 300 ms or more, late far less: a patience between them
            patience.set(Duration.ofMillis(250).toNanos());
            long woken = System.nanoTime();
            turns.wakeAll();
            assertThat(early.get(5, TimeUnit.SECONDS)).as("waited 300 ms already").isFalse();
            assertThat((System.nanoTime() - woken) / 1_000_000).as("at once, not at its first wait's end")
                    .isLessThan(1000);
            assertThat(turns.waiting()).as("late waits on").isOne();
            patience.set(Duration.ofSeconds(5).toNanos());
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
            assertThat(turns.waiting()).as("the first permit back pays the shrink off").isOne();
            assertThat(turns.availablePermits()).isZero();
            turns.release();
            assertThat(waiter.get(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void anInterruptedWaiterGivesUpAndKeepsItsInterrupt() throws Exception {
        var turns = new Turns(1);
        assertThat(turns.take(LONG)).isTrue();
        var gaveUpInterrupted = new AtomicBoolean();
        var waiter = Thread.ofVirtual().start(
                () -> gaveUpInterrupted.set(!turns.take(LONG) && Thread.currentThread().isInterrupted()));
        waitUntilWaiting(turns, 1);
        waiter.interrupt();
        waiter.join(5_000);
        assertThat(gaveUpInterrupted).isTrue();
        assertThat(turns.waiting()).isZero();
        turns.release();
        assertThat(turns.availablePermits()).as("not handed to the one that gave up").isOne();
    }

    @Test
    void anInterruptedThreadTakesNoFreePermit() {
        var turns = new Turns(1);
        Thread.currentThread().interrupt();
        try {
            assertThat(turns.take(LONG)).isFalse();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(turns.availablePermits()).isOne();
    }

    @Test
    void aPatienceThatThrowsLeavesNeitherAWaiterNorALostPermit() throws Exception {
        var turns = new Turns(1);
        assertThat(turns.take(LONG)).isTrue();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var failing = pool.submit(() -> turns.take(() -> {
                throw new IllegalStateException("patience");
            }));
            assertThatThrownBy(() -> failing.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
        }
        assertThat(turns.waiting()).isZero();
        turns.release();
        assertThat(turns.availablePermits()).isOne();
    }

    @Test
    void bargingTurnsLetATakerWhoFindsAPermitFreeTakeItWhileOthersWait() throws Exception {
        var turns = Turns.barging(1);
        assertThat(turns.take(LONG)).isTrue();
        // the waiter is held where it reads its patience, queued but not yet running again
        var waiter = Held.inPatience(turns, LONG.getAsLong());
        turns.release();
        try {
            assertThat(turns.take(() -> 0)).as("a permit free: taken past the waiter").isTrue();
        } finally {
            waiter.let(); // a failure must not leave the waiter held
        }
        Thread.sleep(100);
        assertThat(waiter.took().isDone()).as("the waiter waits for the next one").isFalse();
        turns.release();
        assertThat(waiter.took().get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(turns.waiting()).isZero();
        assertThat(turns.availablePermits()).isZero();
    }

    @Test
    void bargingTurnsPassAWakeUpOnWhenTheWokenWaiterGivesUp() throws Exception {
        var turns = Turns.barging(1);
        assertThat(turns.take(LONG)).isTrue();
        // the first waiter's patience runs out just as the permit comes back: it gives up, woken for nothing
        var first = Held.inPatience(turns, 0);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var second = pool.submit(() -> turns.take(LONG));
            waitUntilWaiting(turns, 2);
            turns.release();
            first.let();
            assertThat(first.took().get(5, TimeUnit.SECONDS)).isFalse();
            assertThat(second.get(2, TimeUnit.SECONDS)).as("woken in its place, not at its patience's end").isTrue();
        }
        assertThat(turns.waiting()).isZero();
    }

    @Test
    void anInterruptedWaiterTakesNoPermitEvenAFreeOne() throws Exception {
        var turns = Turns.barging(1);
        assertThat(turns.take(LONG)).isTrue();
        // held where it reads its patience; meanwhile the permit comes back and the waiter is interrupted
        var waiter = Held.inPatience(turns, LONG.getAsLong());
        turns.release();
        waiter.thread().interrupt();
        waiter.let();
        assertThat(waiter.took().get(5, TimeUnit.SECONDS)).as("interrupted: no permit, though one was free").isFalse();
        assertThat(turns.availablePermits()).as("the permit stays free").isOne();
        assertThat(turns.waiting()).isZero();
    }

    @Test
    void bargingTurnsWakeAWaiterForEveryPermitReleasedWhenNoOneElseTakesIt() throws Exception {
        var turns = Turns.barging(3);
        for (int i = 0; i < 3; i++) {
            assertThat(turns.take(LONG)).isTrue();
        }
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var waiters = new ArrayList<Future<Boolean>>();
            for (int i = 0; i < 3; i++) {
                waiters.add(pool.submit(() -> turns.take(LONG)));
                waitUntilWaiting(turns, i + 1);
            }
            // released back to back, before any waiter ran: each still wakes one
            turns.release(3);
            for (var waiter : waiters) {
                assertThat(waiter.get(2, TimeUnit.SECONDS)).isTrue();
            }
            var impatient = pool.submit(() -> turns.take(() -> Duration.ofMillis(200).toNanos()));
            assertThat(impatient.get(5, TimeUnit.SECONDS)).as("none free: its patience still ends its wait").isFalse();
        }
        assertThat(turns.waiting()).isZero();
        assertThat(turns.availablePermits()).isZero();
    }

    /**
     * A taker on a thread of its own, queued and held inside its first reading of its patience (after it found no
     * permit) until {@link #let}; its patience is then {@code patience} nanoseconds.
     */
    private record Held(Thread thread, CompletableFuture<Boolean> took, CompletableFuture<Void> released) {
        static Held inPatience(Turns turns, long patience) throws InterruptedException {
            var asking = new CountDownLatch(1);
            var released = new CompletableFuture<Void>();
            var took = new CompletableFuture<Boolean>();
            var thread = Thread.ofVirtual().start(() -> took.complete(turns.take(() -> {
                asking.countDown();
                released.join();
                return patience;
            })));
            asking.await();
            return new Held(thread, took, released);
        }

        void let() {
            released.complete(null);
        }
    }

    private static void waitUntilWaiting(Turns turns, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (turns.waiting() < n && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(turns.waiting()).isEqualTo(n);
    }
}
