package dev.conduit.platform.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A value loaded before an invalidation is never kept after it, whichever finishes first; concurrent misses share
 * a load unless an invalidation came between them; changes by predicate void only the loads they may affect.
 */
class CachedTest {
    /** One thread per call: the common pool may have a single thread on a small machine. */
    private static final Executor THREADS = Executors.newVirtualThreadPerTaskExecutor();
    private final Cached<String, String> cache = Cached.counting("test", 100);

    @Test
    void aLoadOverlappingAnInvalidationIsReturnedButNotKept() throws Exception {
        var loading = new CountDownLatch(1);
        var invalidated = new CountDownLatch(1);
        var fill = async(() -> cache.get("k", key -> {
            loading.countDown();
            await(invalidated);
            return "read before the write";
        }));
        loading.await();
        cache.invalidate("k");
        invalidated.countDown();

        assertThat(fill.get()).isEqualTo("read before the write");
        assertThat(cache.snapshot()).doesNotContainKey("k");
        assertThat(cache.get("k", key -> "read after the write")).isEqualTo("read after the write");
        assertThat(cache.snapshot()).containsEntry("k", "read after the write");
    }

    @Test
    void aBulkLoadOverlappingAnInvalidationKeepsNothing() throws Exception {
        var loading = new CountDownLatch(1);
        var invalidated = new CountDownLatch(1);
        var fill = async(() -> cache.getAll(Set.of("a", "b"), missing -> {
            loading.countDown();
            await(invalidated);
            return Map.of("a", "1", "b", "2");
        }));
        loading.await();
        cache.invalidateIf((key, value) -> false);
        invalidated.countDown();

        assertThat(fill.get()).containsOnly(Map.entry("a", "1"), Map.entry("b", "2"));
        assertThat(cache.snapshot()).isEmpty();
    }

    @Test
    void invalidateIfRemovesOnlyWhatMatches() {
        cache.get("keep", key -> "1");
        cache.get("drop", key -> "2");

        cache.invalidateIf((key, value) -> value.equals("2"));

        assertThat(cache.snapshot()).containsOnlyKeys("keep");
    }

    @Test
    void nothingIsKeptForANullLoad() {
        assertThat(cache.get("missing", key -> null)).isNull();
        assertThat(cache.snapshot()).isEmpty();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void concurrentMissesShareOneLoad() throws Exception {
        var loading = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var loads = new AtomicInteger();
        var first = async(() -> cache.get("k", key -> {
            loads.incrementAndGet();
            loading.countDown();
            await(release);
            return "v";
        }));
        loading.await();
        var second = async(() -> cache.get("k", key -> {
            loads.incrementAndGet();
            return "second load";
        }));
        awaitWaiting(second);
        release.countDown();

        assertThat(first.get()).isEqualTo("v");
        assertThat(second.get()).isEqualTo("v");
        assertThat(loads).hasValue(1);
    }

    @Test
    void aMissAfterAnInvalidationDoesNotShareTheLoadBeforeIt() throws Exception {
        var loading = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var stale = async(() -> cache.get("k", key -> {
            loading.countDown();
            await(release);
            return "read before the write";
        }));
        loading.await();
        cache.invalidate("k");

        assertThat(cache.get("k", key -> "read after the write")).isEqualTo("read after the write");
        release.countDown();
        assertThat(stale.get()).isEqualTo("read before the write");
        assertThat(cache.snapshot()).containsEntry("k", "read after the write");
    }

    @Test
    void aFailedLoadFailsItsJoinersAndKeepsNothing() throws Exception {
        var loading = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var first = async(() -> cache.get("k", key -> {
            loading.countDown();
            await(release);
            throw new IllegalStateException("database gone");
        }));
        loading.await();
        var joiner = async(() -> cache.get("k", key -> "not asked"));
        awaitWaiting(joiner);
        release.countDown();

        assertThatThrownBy(joiner::join).hasCauseInstanceOf(IllegalStateException.class);
        assertThatThrownBy(first::join).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(cache.get("k", key -> "later")).isEqualTo("later");
    }

    @Test
    void invalidatingOneKeyKeepsTheLoadOfAnother() throws Exception {
        var loading = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        String other = keyInAnotherStripeThan("k");
        var fill = async(() -> cache.get(other, key -> {
            loading.countDown();
            await(release);
            return "unrelated";
        }));
        loading.await();
        cache.invalidate("k");
        release.countDown();

        assertThat(fill.get()).isEqualTo("unrelated");
        assertThat(cache.snapshot()).containsEntry(other, "unrelated");
    }

    @Test
    void aChangeByPredicateVoidsOnlyTheLoadsItMayAffect() throws Exception {
        var loading = new CountDownLatch(2);
        var release = new CountDownLatch(1);
        var affected = async(() -> cache.get("affected", key -> {
            loading.countDown();
            await(release);
            return "old";
        }));
        var unaffected = async(() -> cache.get(keyInAnotherStripeThan("affected"), key -> {
            loading.countDown();
            await(release);
            return "kept";
        }));
        loading.await();
        // a value of null: asked of a key being loaded
        cache.updateIf((key, value) -> key.equals("affected"), (key, value) -> value + " updated");
        release.countDown();
        affected.get();
        unaffected.get();

        assertThat(cache.snapshot()).doesNotContainKey("affected").containsValue("kept");
    }

    @Test
    void anUpdateArrivingWhileALoadIsBeingStoredIsAppliedToWhatItStores() throws Exception {
        var storing = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        // the weigher runs inside the store, after the load's stamp was checked: held there, the update comes
        // exactly between that check and the entry's appearing in the map
        Cached<String, List<Integer>> lists = Cached.weighing("lists", 1 << 20, (key, value) -> {
            if (value.equals(List.of(1))) {
                storing.countDown();
                await(release);
            }
            return 1;
        });
        var fill = async(() -> lists.get("k", key -> List.of(1)));
        storing.await();
        var update = async(() -> {
            lists.update("k", value -> List.of(1, 2));
            return null;
        });
        Thread.sleep(100);
        release.countDown();
        fill.get();
        update.get();

        assertThat(lists.snapshot()).containsEntry("k", List.of(1, 2));
    }

    @Test
    void updateIfReplacesWhatMatchesAndRemovesWhereTheUpdateGivesNull() {
        cache.get("a", key -> "1");
        cache.get("b", key -> "2");
        cache.get("c", key -> "3");

        cache.updateIf((key, value) -> !key.equals("c"), (key, value) -> value.equals("1") ? "one" : null);

        assertThat(cache.snapshot()).containsOnly(Map.entry("a", "one"), Map.entry("c", "3"));
    }

    private static <T> CompletableFuture<T> async(Supplier<T> call) {
        return CompletableFuture.supplyAsync(call, THREADS);
    }

    /** Waits until {@code call} is blocked (it joined a load that is still running). */
    private static void awaitWaiting(CompletableFuture<?> call) throws InterruptedException {
        Thread.sleep(100);
        assertThat(call).isNotDone();
    }

    /** A key whose invalidation stamp is not the one {@code key} uses. */
    private static String keyInAnotherStripeThan(String key) {
        for (int i = 0; ; i++) {
            String candidate = "other" + i;
            if (Cached.stripe(candidate) != Cached.stripe(key)) {
                return candidate;
            }
        }
    }
}
