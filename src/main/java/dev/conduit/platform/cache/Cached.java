package dev.conduit.platform.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * A bounded in-process cache (Caffeine) that never keeps a value read before an invalidation that came after it.
 *
 * <p>The race it closes: a reader loads a row, a writer commits a change and invalidates, then the reader stores
 * what it loaded, now stale. Every invalidation first moves a stamp; a loader notes the stamp before it reads the
 * database and stores its result only if the stamp has not moved since, checked atomically with the store. So a
 * value is either stored before the invalidation (which then removes it) or not at all. A reader that starts
 * after a write's invalidation reads after its commit: a client sees its own acknowledged writes.
 *
 * @param <K> the key: a plain value
 * @param <V> the value: immutable
 */
public final class Cached<K, V> {
    private final String name;
    private final Cache<K, V> cache;
    private final AtomicLong stamp = new AtomicLong();

    private Cached(String name, Cache<K, V> cache) {
        this.name = name;
        this.cache = cache;
    }

    /** Roughly how many bytes an entry holds. */
    @FunctionalInterface
    public interface Weigher<K, V> {
        int bytes(K key, V value);
    }

    /** A cache of at most {@code maxWeight} bytes, as {@code weigher} counts them. */
    public static <K, V> Cached<K, V> weighing(String name, long maxWeight, Weigher<K, V> weigher) {
        Cache<K, V> cache = Caffeine.newBuilder()
                .maximumWeight(maxWeight)
                .weigher(weigher::bytes)
                .build();
        return new Cached<>(name, cache);
    }

    /** A cache of at most {@code maxEntries} values. */
    public static <K, V> Cached<K, V> counting(String name, long maxEntries) {
        return new Cached<>(name, Caffeine.newBuilder().maximumSize(maxEntries).<K, V>build());
    }

    public String name() {
        return name;
    }

    /** The value of {@code key}, loaded by {@code loader} on a miss; a null from the loader is returned, not kept. */
    public V get(K key, Function<K, V> loader) {
        V value = cache.getIfPresent(key);
        if (value != null) {
            return value;
        }
        long seen = stamp.get();
        value = loader.apply(key);
        if (value != null) {
            store(key, value, seen);
        }
        return value;
    }

    /**
     * The values of {@code keys} that exist; the missing ones are loaded together by {@code loader}, which
     * returns those it found.
     */
    public Map<K, V> getAll(Collection<K> keys, Function<Set<K>, Map<K, V>> loader) {
        Map<K, V> found = new HashMap<>(cache.getAllPresent(keys));
        if (found.size() == keys.size()) {
            return found;
        }
        var missing = new LinkedHashSet<K>(keys);
        missing.removeAll(found.keySet());
        long seen = stamp.get();
        loader.apply(missing).forEach((key, value) -> {
            store(key, value, seen);
            found.put(key, value);
        });
        return found;
    }

    public void invalidate(K key) {
        stamp.incrementAndGet();
        cache.invalidate(key);
    }

    /** Removes every entry for which {@code affected} holds. */
    public void invalidateIf(BiPredicate<K, V> affected) {
        stamp.incrementAndGet();
        cache.asMap().entrySet().removeIf(entry -> affected.test(entry.getKey(), entry.getValue()));
    }

    public void invalidateAll() {
        stamp.incrementAndGet();
        cache.invalidateAll();
    }

    /** A snapshot of what is cached now (for tests that compare it with the database). */
    public Map<K, V> snapshot() {
        return Map.copyOf(cache.asMap());
    }

    private void store(K key, V value, long seen) {
        cache.asMap().compute(key, (k, current) -> stamp.get() == seen ? value : current);
    }
}
