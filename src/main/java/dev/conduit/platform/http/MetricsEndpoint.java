package dev.conduit.platform.http;

import dev.conduit.platform.observe.Metrics;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;

/** The management listener's routes: {@code GET /metrics} for Prometheus; anything else is a JSON error. */
public final class MetricsEndpoint {
    private MetricsEndpoint() {
    }

    public static void register(HttpRouting.Builder routing, Metrics metrics) {
        ErrorResponses.register(routing, ErrorPages.NONE);
        routing.addFilter(new SecurityHeaders());
        new RouteTable("").register(routing, paths -> paths.path("/metrics", methods -> methods.get((req, res) -> {
            var scrape = metrics.scrape(req.headers().first(HeaderNames.ACCEPT).orElse(null));
            res.header(HeaderNames.CONTENT_TYPE, scrape.contentType()).send(scrape.body());
        })));
        routing.any(ErrorResponses::notFound);
    }
}
