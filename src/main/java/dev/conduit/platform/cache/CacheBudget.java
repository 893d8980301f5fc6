package dev.conduit.platform.cache;

/**
 * The memory all caches may fill together (roughly, in bytes: each cache weighs its values by their size). Each
 * cache takes a share of it, so one setting ({@code CACHE_MB}) sizes them all.
 */
public record CacheBudget(long bytes) {
    /** A cache of {@code percent} of the budget, weighing each value with {@code weigher}. */
    public <K, V> Cached<K, V> share(String name, int percent, Cached.Weigher<K, V> weigher) {
        return Cached.weighing(name, bytes * percent / 100, weigher);
    }
}
