package dev.conduit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The served API description and the router agree: every route (but the web site's pages) is documented, and every
 * documented one exists.
 */
class RoutesDocumentedTest {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    @Test
    void everyRouteOfThePublicPortIsInTheDocumentAndNothingElse() throws Exception {
        var res = TestServer.api().get("/openapi.yml");
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).get().asString().startsWith("application/yaml");
        JsonNode document = new ObjectMapper(new YAMLFactory()).readTree(res.body());
        assertThat(document.get("openapi").asText()).startsWith("3.");
        String base = document.at("/servers/0/url").asText();

        var documented = new TreeSet<String>();
        document.get("paths").properties().forEach(path -> {
            JsonNode servers = path.getValue().get("servers");
            String server = servers == null ? base : servers.get(0).get("url").asText();
            if (URI.create(server).isAbsolute()) {
                return; // another listener's (the management port's /metrics)
            }
            String prefix = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
            path.getValue().properties().forEach(operation -> {
                if (METHODS.contains(operation.getKey())) {
                    documented.add(operation.getKey().toUpperCase(Locale.ROOT) + " " + prefix + path.getKey());
                }
            });
        });
        var routed = new TreeSet<String>();
        TestServer.app().routes().forEach(route -> routed.add(route.method().text() + " " + route.template()));

        assertThat(documented).as("documented routes (left) against routed ones").isEqualTo(routed);
        assertThat(routed).contains("GET /api/articles/{slug}", "GET /health/ready", "GET /docs");
    }
}
