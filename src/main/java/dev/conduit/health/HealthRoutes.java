package dev.conduit.health;

import dev.conduit.platform.http.Json;
import dev.conduit.platform.http.RouteTable;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /health/live} (the process serves) and {@code /health/ready} (send it requests), for orchestrators. */
public record HealthRoutes(Health health) implements RouteTable.Group {
    @Override
    public void routes(RouteTable.Paths paths) {
        paths.path("/live", on -> on.get(this::live))
                .path("/ready", on -> on.get(this::ready));
    }

    private void live(ServerRequest req, ServerResponse res) {
        Json.send(req, res, Status.OK_200, Map.of("status", "UP"));
    }

    private void ready(ServerRequest req, ServerResponse res) {
        var report = health.readiness();
        var body = new LinkedHashMap<String, Object>();
        body.put("status", report.up() ? "UP" : "DOWN");
        body.put("checks", report.checks());
        Json.send(req, res, report.up() ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503, body);
    }
}
