package dev.conduit.platform.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** A value loaded before an invalidation is never kept after it, whichever finishes first. */
class CachedTest {
    private final Cached<String, String> cache = Cached.counting("test", 100);

    @Test
    void aLoadOverlappingAnInvalidationIsReturnedButNotKept() throws Exception {
        var loading = new CountDownLatch(1);
        var invalidated = new CountDownLatch(1);
        var fill = CompletableFuture.supplyAsync(() -> cache.get("k", key -> {
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
        var fill = CompletableFuture.supplyAsync(() -> cache.getAll(Set.of("a", "b"), missing -> {
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
}
