package dev.conduit.platform.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A bounded in-process cache (Caffeine) that never keeps a value read before an invalidation that came after it.
 *
 * <p>The race it closes: a reader loads a row, a writer commits a change and invalidates, then the reader stores
 * what it loaded, now stale. Every invalidation first moves a stamp; a loader notes the stamp before it reads the
 * database and stores its result only if the stamp has not moved since, checked atomically with the store. So a
 * value is either stored before the invalidation (which then removes it) or not at all. A reader that starts
 * after a write's invalidation reads after its commit: a client sees its own acknowledged writes.
 *
 * <p>Stamps are per stripe of keys, so invalidating one key does not void the loads of unrelated ones. Concurrent
 * misses on one key share one load ({@link #get}) unless an invalidation came between them; loads in progress are
 * known by key, so a change chosen by a predicate ({@link #invalidateIf}, {@link #updateIf}) voids only those it
 * may affect. Such a change holds a lock that stores wait for, so no store slips in between its stamps and its
 * pass over the entries.
 *
 * @param <K> the key: a plain value
 * @param <V> the value: immutable
 */
public final class Cached<K, V> {
    private static final int STRIPES = 64;

    private final String name;
    private final Cache<K, V> cache;
    private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
    /** Moved by every change by predicate: {@link #getAll}'s loads are not known by key, so it voids them all. */
    private final AtomicLong epoch = new AtomicLong();
    /** Stores share it; changes by predicate take it alone. */
    private final ReadWriteLock bulk = new ReentrantReadWriteLock();
    /** {@link #get}'s loads in progress, each begun when its key's stripe stamp was {@code stamp}. */
    private final ConcurrentHashMap<K, Load<V>> loading = new ConcurrentHashMap<>();

    private record Load<V>(long stamp, CompletableFuture<V> result) {
    }

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
        Cache<K, V> cache = builder()
                .recordStats()
                .maximumWeight(maxWeight)
                .weigher(weigher::bytes)
                .build();
        return new Cached<>(name, cache);
    }

    /** A cache of at most {@code maxEntries} values. */
    public static <K, V> Cached<K, V> counting(String name, long maxEntries) {
        return new Cached<>(name, builder().recordStats().maximumSize(maxEntries).<K, V>build());
    }

    /**
     * Caffeine's upkeep (evictions, its access order) runs on the thread that filled its buffers: handed to the
     * common pool it woke a thread every few hundred reads (5 % of mixed's CPU in a profile; mixed went from
     * 7,600-7,800 to 9,500-10,300 req/s without it).
     */
    public static Caffeine<Object, Object> builder() {
        return Caffeine.newBuilder().executor(Runnable::run);
    }

    public String name() {
        return name;
    }

    /** Hits, misses and evictions since the start (for metrics; the raw builder's caches keep none). */
    public CacheStats stats() {
        return cache.stats();
    }

    /** About how many values it holds. */
    public long estimatedSize() {
        return cache.estimatedSize();
    }

    /**
     * The value of {@code key}, loaded by {@code loader} on a miss; a null from the loader is returned, not kept.
     * A miss joins a load of the same key already running if no invalidation came since that load began (its
     * answer is then as fresh as one of our own); the loader's failure is then every joiner's.
     */
    public V get(K key, Function<K, V> loader) {
        V value = cache.getIfPresent(key);
        if (value != null) {
            return value;
        }
        int stripe = stripe(key);
        long seen = stripes.get(stripe);
        var mine = new Load<V>(seen, new CompletableFuture<>());
        var running = loading.compute(key, (k, other) -> other != null && other.stamp() == seen ? other : mine);
        if (running != mine) {
            return joined(running.result());
        }
        // registered before reading: a change by predicate from now on finds this load and voids it
        try {
            value = loader.apply(key);
            if (value != null) {
                store(key, value, () -> stripes.get(stripe) == seen);
            }
            mine.result().complete(value);
            return value;
        } catch (RuntimeException | Error e) {
            mine.result().completeExceptionally(e);
            throw e;
        } finally {
            loading.remove(key, mine);
        }
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
        long seenEpoch = epoch.get();
        long[] seenStripes = new long[STRIPES];
        for (int i = 0; i < STRIPES; i++) {
            seenStripes[i] = stripes.get(i);
        }
        loader.apply(missing).forEach((key, value) -> {
            int stripe = stripe(key);
            store(key, value, () -> epoch.get() == seenEpoch && stripes.get(stripe) == seenStripes[stripe]);
            found.put(key, value);
        });
        return found;
    }

    public void invalidate(K key) {
        stripes.incrementAndGet(stripe(key));
        cache.invalidate(key);
    }

    /**
     * Replaces the value of {@code key}, if cached, with what {@code change} makes of it, atomically; a load of it
     * in progress is voided as by {@link #invalidate}. Changes that do not commute (the same absolute value, the same
     * element added then removed) must arrive in the order they committed ({@link WriteOrder}), and each must be right whether or not the value already shows it (a load that read
     * after the commit may have been stored just before): an absolute value, an element added or removed.
     */
    public void update(K key, UnaryOperator<V> change) {
        stripes.incrementAndGet(stripe(key));
        // not computeIfPresent: Caffeine's answers "absent" without waiting while a store of this key is inside its
        // compute (its stamp checked before ours moved), and the change was lost; compute waits for that store
        cache.asMap().compute(key, (k, current) -> current == null ? null : change.apply(current));
    }

    /**
     * Removes every entry for which {@code affected} holds. It is also asked of each key being loaded, with a
     * null value: whether the change may affect what that load will find.
     */
    public void invalidateIf(BiPredicate<K, V> affected) {
        updateIf(affected, (key, value) -> null);
    }

    /**
     * Replaces each entry for which {@code affected} holds with what {@code update} makes of it (null: removes
     * it), each atomically; loads in progress are voided as by {@link #invalidateIf}. Loads that begin meanwhile
     * are kept only after the whole pass, and they read after the change: no entry is updated twice for one
     * change, nor missed.
     */
    public void updateIf(BiPredicate<K, V> affected, BiFunction<K, V, V> update) {
        bulk.writeLock().lock();
        try {
            epoch.incrementAndGet();
            for (var key : loading.keySet()) {
                if (affected.test(key, null)) {
                    stripes.incrementAndGet(stripe(key));
                }
            }
            var map = cache.asMap();
            for (var entry : map.entrySet()) {
                if (affected.test(entry.getKey(), entry.getValue())) {
                    // asked again atomically: the entry may have changed since the pass read it
                    map.computeIfPresent(entry.getKey(),
                            (k, current) -> affected.test(k, current) ? update.apply(k, current) : current);
                }
            }
        } finally {
            bulk.writeLock().unlock();
        }
    }

    public void invalidateAll() {
        bulk.writeLock().lock();
        try {
            epoch.incrementAndGet();
            for (int i = 0; i < STRIPES; i++) {
                stripes.incrementAndGet(i);
            }
            cache.invalidateAll();
        } finally {
            bulk.writeLock().unlock();
        }
    }

    /** A snapshot of what is cached now (for tests that compare it with the database). */
    public Map<K, V> snapshot() {
        return Map.copyOf(cache.asMap());
    }

    /** Stores {@code value} if {@code unchanged} still holds, checked atomically with the store. */
    private void store(K key, V value, BooleanSupplier unchanged) {
        bulk.readLock().lock();
        try {
            cache.asMap().compute(key, (k, current) -> unchanged.getAsBoolean() ? value : current);
        } finally {
            bulk.readLock().unlock();
        }
    }

    /** Package-private for tests that need keys on different stamps. */
    static int stripe(Object key) {
        int h = key.hashCode();
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }

    /** The loader's value, or its own exception: a Failure (not found, ...) must reach each caller as itself. */
    private static <V> V joined(CompletableFuture<V> load) {
        try {
            return load.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        }
    }
}
