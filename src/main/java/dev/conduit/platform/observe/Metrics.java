package dev.conduit.platform.observe;

import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import jdk.management.VirtualThreadSchedulerMXBean;

/**
 * Conduit's metrics (Micrometer, rendered in the Prometheus text format): requests per route template, method and
 * status class with a latency histogram; SQL statements per request; the JVM, its garbage collector, threads and
 * virtual threads; open files; and whatever the wiring adds (requests in flight, the pool, caches, password hashing)
 * through {@link #registry()}, {@link #cache}, {@link #gauge} and {@link #counter}.
 */
public final class Metrics implements AutoCloseable {
    /** Fine around a 10 ms objective, coarse beyond a second. */
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(15), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
        Duration.ofSeconds(5), Duration.ofSeconds(10)};
    /** Micrometer takes no 0 bucket: a request with no statement counts in le=1 and in the sum. */
    private static final double[] STATEMENT_BUCKETS = {1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 50};
    /** Methods named in labels; any other is "other", so that made-up methods cannot grow the series. */
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    /** The route label of a request no route matched (a 404 of the fallback, a preflight answered by CORS). */
    private static final String NO_ROUTE = "none";

    private record Series(String method, String route, int statusClass) {
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final ConcurrentHashMap<Series, Timer> requests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, DistributionSummary> statements = new ConcurrentHashMap<>();
    /** What function counters read: Micrometer holds them weakly, and a method reference lives only here. */
    private final List<Object> sources = new CopyOnWriteArrayList<>();

    /** The JVM's and the process's metrics, and {@code conduit_build_info} naming {@code version} and {@code commit}. */
    public Metrics(String version, String commit) {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        var scheduler = ManagementFactory.getPlatformMXBean(VirtualThreadSchedulerMXBean.class);
        gauge("jvm.threads.virtual.mounted", "Virtual threads running on a carrier thread", Tags.empty(),
                scheduler::getMountedVirtualThreadCount);
        gauge("jvm.threads.virtual.queued", "Virtual threads ready to run, waiting for a carrier thread",
                Tags.empty(), scheduler::getQueuedVirtualThreadCount);
        gauge("jvm.threads.virtual.carriers", "Carrier threads of the virtual-thread scheduler", Tags.empty(),
                scheduler::getPoolSize);
        gauge("conduit.build.info", "Conduit's version and commit", Tags.of("version", version, "commit", commit),
                () -> 1);
    }

    /** The registry, for libraries that report to Micrometer themselves (HikariCP). */
    public MeterRegistry registry() {
        return registry;
    }

    /** A value read at each scrape. */
    public void gauge(String name, String description, Tags tags, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).tags(tags).strongReference(true).register(registry);
    }

    /**
     * The requests refused with 503 because the queue at {@code stage} ({@code admission}: in front of the
     * handlers; {@code database}: for a connection) stayed full for their wait.
     */
    public void shed(String stage, Supplier<Number> total) {
        counter("conduit.requests.shed", "Requests refused with 503 because a queue stayed full for their wait",
                Tags.of("stage", stage), total);
    }

    /** A count that only grows, read at each scrape ({@code name_total}). */
    public void counter(String name, String description, Tags tags, Supplier<Number> total) {
        sources.add(total);
        FunctionCounter.builder(name, total, t -> t.get().doubleValue()).description(description).tags(tags)
                .register(registry);
    }

    /** A cache's hits, misses, evictions and size, read at each scrape ({@code cache_gets_total{cache,result}}...). */
    public void cache(String name, Supplier<CacheStats> stats, Supplier<Long> size) {
        sources.add(stats);
        counter("cache.gets", "Cache lookups, by result (hit: a value was there)", Tags.of("cache", name, "result", "hit"), stats,
                CacheStats::hitCount);
        counter("cache.gets", "Cache lookups, by result (hit: a value was there)", Tags.of("cache", name, "result", "miss"), stats,
                CacheStats::missCount);
        counter("cache.evictions", "Values the cache dropped to stay within its size", Tags.of("cache", name),
                stats, CacheStats::evictionCount);
        gauge("cache.size", "Values in the cache (an estimate)", Tags.of("cache", name), size::get);
    }

    private void counter(String name, String description, Tags tags, Supplier<CacheStats> stats,
            ToDoubleFunction<CacheStats> count) {
        FunctionCounter.builder(name, stats, s -> count.applyAsDouble(s.get()))
                .description(description).tags(tags).register(registry);
    }

    /** Counts an answered request in its route's series. */
    public void answered(RequestRecord request, int status, long nanos) {
        String method = METHODS.contains(request.method()) ? request.method() : "other";
        String route = request.route() == null ? NO_ROUTE : request.route();
        requests.computeIfAbsent(new Series(method, route, status / 100), this::timer)
                .record(nanos, TimeUnit.NANOSECONDS);
        statements.computeIfAbsent(route, this::statementSummary).record(request.statements());
    }

    private Timer timer(Series series) {
        return Timer.builder("http.server.requests")
                .description("Answered requests, by route template, method and status class")
                .tags("method", series.method(), "route", series.route(), "status", series.statusClass() + "xx")
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
    }

    private DistributionSummary statementSummary(String route) {
        return DistributionSummary.builder("http.server.requests.sql.statements")
                .description("SQL statements run per request, by route template")
                .tags("route", route)
                .serviceLevelObjectives(STATEMENT_BUCKETS)
                .register(registry);
    }

    /** The metrics in the format {@code accept} asks for: OpenMetrics if named, else Prometheus text 0.0.4. */
    public Scrape scrape(String accept) {
        String contentType = accept != null && accept.contains("application/openmetrics-text")
                ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                : "text/plain; version=0.0.4; charset=utf-8";
        return new Scrape(contentType, registry.scrape(contentType));
    }

    /** A scrape's body and its content type. */
    public record Scrape(String contentType, String body) {
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
