package dev.conduit.bench;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Fixed-rate steps, one after another (a step starts when the previous one's requests are all done): open model,
 * one iteration of the step's scenario per virtual user, connections shared. Properties: bench.url (the API base),
 * bench.scenarios, bench.manifest, bench.steps (a JSON list of {name, scenario, rate, seconds}) and bench.windows
 * (where to write, per step, its first start, last end, iterations done, and those done within the step's
 * scheduled duration: bench/run's achieved rate and the client's CPU per step come from them). Requests are named
 * after their step, so Gatling's stats are per step. A step with {@code "answers": true} (the overload scenario's)
 * also keeps every answer's status and time, and the windows file gets its own counts and percentiles, overall and
 * per second: answers (anything but 503 and 429), refusals (503, 429) and failures (no answer) apart, since Gatling's table
 * mixes the quick refusals into the latencies of the accepted requests.
 */
public class LadderSimulation extends Simulation {
    private static final Map<String, Window> WINDOWS = new ConcurrentHashMap<>();

    private static final class Window {
        final AtomicLong start = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong end = new AtomicLong();
        final AtomicLong done = new AtomicLong();
        final AtomicLong doneInTime = new AtomicLong();
        final long seconds;
        /** {end ms, status (0: no answer), response time ms} of each request; null: not kept for this step */
        final List<long[]> answers;

        Window(long seconds, boolean keepAnswers) {
            this.seconds = seconds;
            this.answers = keepAnswers ? Collections.synchronizedList(new ArrayList<>()) : null;
        }
    }

    public LadderSimulation() throws IOException {
        var json = new ObjectMapper();
        var workload = new Workload(Path.of(System.getProperty("bench.scenarios")),
                Path.of(System.getProperty("bench.manifest")), System.getProperty("bench.url"));
        var protocol = http.baseUrl(System.getProperty("bench.url"))
                .shareConnections()
                .acceptHeader("application/json")
                .disableCaching();
        List<PopulationBuilder> steps = new ArrayList<>();
        for (JsonNode step : json.readTree(System.getProperty("bench.steps"))) {
            String name = step.get("name").asText();
            WINDOWS.put(name, new Window(step.get("seconds").asLong(), step.path("answers").asBoolean()));
            steps.add(scenario(name)
                    .exec(stepChain(name, step.get("scenario").asText(), workload))
                    .injectOpen(constantUsersPerSec(step.get("rate").asDouble()).during(step.get("seconds").asInt())));
        }
        PopulationBuilder chained = steps.getLast();
        for (int i = steps.size() - 2; i >= 0; i--) chained = steps.get(i).andThen(chained);
        setUp(chained).protocols(protocol);
    }

    private static ChainBuilder stepChain(String step, String scenario, Workload workload) {
        Window window = WINDOWS.get(step);
        Map<String, HttpRequestActionBuilder> kinds = new LinkedHashMap<>();
        for (String method : List.of("GET", "POST", "PUT", "DELETE")) {
            Function<String, HttpRequestActionBuilder> request = method.startsWith("P")
                    ? m -> http(step).httpRequest(m, "#{path}").body(StringBody("#{body}")).asJson()
                    : m -> http(step).httpRequest(m, "#{path}");
            kinds.put(method + " anon", request.apply(method));
            kinds.put(method + " auth", request.apply(method).header("Authorization", "Token #{token}"));
        }
        if (window.answers != null) {
            kinds.replaceAll((kind, request) -> request.check(
                    status().saveAs("status"), responseTimeInMillis().saveAs("rt")));
        }
        var cases = kinds.entrySet().stream().map(e -> {
            var sent = exec(e.getValue());
            boolean write = !e.getKey().startsWith("GET");
            return onCase(e.getKey()).then(window.answers == null ? sent
                    : sent.exec(session -> keep(window, session, write)));
        }).toList();
        return exec(session -> {
                    window.start.accumulateAndGet(System.currentTimeMillis(), Math::min);
                    return session.set("requests", workload.draw(scenario));
                })
                .foreach("#{requests}", "request").on(
                        exec(LadderSimulation::unpack).doSwitch("#{kind}").on(cases))
                .exec(session -> {
                    long now = System.currentTimeMillis();
                    window.end.accumulateAndGet(now, Math::max);
                    window.done.incrementAndGet();
                    if (now <= window.start.get() + 1000 * window.seconds) window.doneInTime.incrementAndGet();
                    return session;
                });
    }

    private static Session unpack(Session session) {
        Workload.Request r = session.get("request");
        return session.set("kind", r.method() + (r.token() == null ? " anon" : " auth"))
                .set("path", r.path())
                .set("body", r.body() == null ? "" : r.body())
                .set("token", r.token() == null ? "" : r.token());
    }

    private static Session keep(Window window, Session session, boolean write) {
        long status = session.contains("status") ? session.getInt("status") : 0;
        long time = session.contains("rt") ? session.getLong("rt") : -1;
        window.answers.add(new long[] {System.currentTimeMillis(), status, time, write ? 1 : 0});
        return session.remove("status").remove("rt");
    }

    /** {@link #summary(List)}, with the answers' percentiles for reads and writes apart. */
    private static Map<String, Object> summaryByKind(List<long[]> answers) {
        var out = summary(answers);
        for (var kind : List.of(Map.entry("reads_", 0L), Map.entry("writes_", 1L))) {
            percentiles(out, kind.getKey(), answers.stream().filter(a -> answered(a) && a[3] == kind.getValue()).mapToLong(a -> a[2]).sorted().toArray());
        }
        return out;
    }

    /** Counts and latency percentiles of the answers (not refused), and the refusals and failures, apart. */
    private static Map<String, Object> summary(List<long[]> answers) {
        var times = answers.stream().filter(LadderSimulation::answered).mapToLong(a -> a[2]).sorted().toArray();
        var out = new LinkedHashMap<String, Object>();
        out.put("answered", times.length);
        out.put("refused", answers.stream().filter(LadderSimulation::refused).count());
        out.put("failed", answers.stream().filter(a -> a[1] == 0).count());
        out.put("errors_5xx", answers.stream().filter(a -> a[1] >= 500 && a[1] != 503).count());
        percentiles(out, "", times);
        // how long a refusal took: early and cheap, or only after a wait
        percentiles(out, "refused_", answers.stream().filter(LadderSimulation::refused).mapToLong(a -> a[2]).sorted()
                .toArray());
        return out;
    }

    /** An answer (a status came) that is not a refusal. */
    private static boolean answered(long[] answer) {
        return answer[1] != 0 && !refused(answer);
    }

    /** 503 (overloaded) or 429 (a limit of the client's, as the connections of one address) */
    private static boolean refused(long[] answer) {
        return answer[1] == 503 || answer[1] == 429;
    }

    private static void percentiles(Map<String, Object> out, String prefix, long[] sorted) {
        for (var p : List.of(Map.entry("p50", 0.50), Map.entry("p90", 0.90), Map.entry("p99", 0.99),
                Map.entry("max", 1.0))) {
            out.put(prefix + p.getKey(), sorted.length == 0 ? null
                    : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p.getValue() * sorted.length) - 1)]);
        }
    }

    @Override
    public void after() {
        var out = new LinkedHashMap<String, Map<String, Object>>();
        WINDOWS.forEach((name, w) -> {
            var one = new LinkedHashMap<String, Object>(Map.of("start_ms", w.start.get(), "end_ms", w.end.get(),
                    "iterations", w.done.get(), "iterations_in_time", w.doneInTime.get()));
            if (w.answers != null) {
                List<long[]> answers;
                synchronized (w.answers) {
                    answers = List.copyOf(w.answers);
                }
                one.put("answers", summaryByKind(answers));
                var seconds = new TreeMap<Long, List<long[]>>();
                answers.forEach(a -> seconds.computeIfAbsent(a[0] / 1000, k -> new ArrayList<>()).add(a));
                var series = new ArrayList<Map<String, Object>>();
                seconds.forEach((second, in) -> {
                    var row = new LinkedHashMap<String, Object>(Map.of("t", second));
                    row.putAll(summary(in));
                    series.add(row);
                });
                one.put("per_second", series);
            }
            out.put(name, one);
        });
        try {
            new ObjectMapper().writeValue(Path.of(System.getProperty("bench.windows")).toFile(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
