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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Fixed-rate steps, one after another (a step starts when the previous one's requests are all done): open model,
 * one iteration of the step's scenario per virtual user, connections shared. Properties: bench.url (the API base),
 * bench.scenarios, bench.manifest, bench.steps (a JSON list of {name, scenario, rate, seconds}) and bench.windows
 * (where to write, per step, its first start, last end, iterations done, and those done within the step's
 * scheduled duration: bench/run's achieved rate and the client's CPU per step come from them). Requests are named
 * after their step, so Gatling's stats are per step.
 */
public class LadderSimulation extends Simulation {
    private static final Map<String, Window> WINDOWS = new ConcurrentHashMap<>();

    private static final class Window {
        final AtomicLong start = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong end = new AtomicLong();
        final AtomicLong done = new AtomicLong();
        final AtomicLong doneInTime = new AtomicLong();
        final long seconds;

        Window(long seconds) {
            this.seconds = seconds;
        }
    }

    public LadderSimulation() throws IOException {
        var json = new ObjectMapper();
        var workload = new Workload(Path.of(System.getProperty("bench.scenarios")),
                Path.of(System.getProperty("bench.manifest")));
        var protocol = http.baseUrl(System.getProperty("bench.url"))
                .shareConnections()
                .acceptHeader("application/json")
                .disableCaching();
        List<PopulationBuilder> steps = new ArrayList<>();
        for (JsonNode step : json.readTree(System.getProperty("bench.steps"))) {
            String name = step.get("name").asText();
            WINDOWS.put(name, new Window(step.get("seconds").asLong()));
            steps.add(scenario(name)
                    .exec(stepChain(name, step.get("scenario").asText(), workload))
                    .injectOpen(constantUsersPerSec(step.get("rate").asDouble()).during(step.get("seconds").asInt())));
        }
        PopulationBuilder chained = steps.getLast();
        for (int i = steps.size() - 2; i >= 0; i--) chained = steps.get(i).andThen(chained);
        setUp(chained).protocols(protocol);
    }

    private static ChainBuilder stepChain(String step, String scenario, Workload workload) {
        Map<String, HttpRequestActionBuilder> kinds = new LinkedHashMap<>();
        for (String method : List.of("GET", "POST", "PUT", "DELETE")) {
            Function<String, HttpRequestActionBuilder> request = method.startsWith("P")
                    ? m -> http(step).httpRequest(m, "#{path}").body(StringBody("#{body}")).asJson()
                    : m -> http(step).httpRequest(m, "#{path}");
            kinds.put(method + " anon", request.apply(method));
            kinds.put(method + " auth", request.apply(method).header("Authorization", "Token #{token}"));
        }
        var cases = kinds.entrySet().stream().map(e -> onCase(e.getKey()).then(exec(e.getValue()))).toList();
        Window window = WINDOWS.get(step);
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

    @Override
    public void after() {
        var out = new LinkedHashMap<String, Map<String, Long>>();
        WINDOWS.forEach((name, w) -> out.put(name, Map.of("start_ms", w.start.get(), "end_ms", w.end.get(),
                "iterations", w.done.get(), "iterations_in_time", w.doneInTime.get())));
        try {
            new ObjectMapper().writeValue(Path.of(System.getProperty("bench.windows")).toFile(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
