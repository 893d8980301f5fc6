package dev.conduit.docs;

import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.http.RouteTable;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * The API description ({@code GET /api/openapi.yml}) and a page to read it and try each operation
 * ({@code GET /docs}: Swagger UI, its files served from its webjar by this class, no CDN).
 */
public final class DocsRoutes {
    private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
    /** The files the page loads, by name: ours, or Swagger UI's (nothing else of the webjar is served). */
    private static final Map<String, String> FILES = Map.of(
            "conduit-docs.js", "text/javascript; charset=utf-8",
            "swagger-ui.css", "text/css; charset=utf-8",
            "index.css", "text/css; charset=utf-8",
            "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
            "swagger-ui-standalone-preset.js", "text/javascript; charset=utf-8",
            "favicon-32x32.png", "image/png",
            "favicon-16x16.png", "image/png");
    /**
     * Scripts and styles from this origin only (Swagger UI sets inline styles); no framing. It replaces the one
     * every answer gets ({@code SecurityHeaders}), which loads nothing.
     */
    private static final Header POLICY = HeaderValues.createCached(HeaderNames.create("Content-Security-Policy"),
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
    private static final Header REVALIDATE = HeaderValues.createCached(HeaderNames.CACHE_CONTROL, "no-cache");
    /** The files change only with Conduit's version; an hour keeps a reload cheap and an upgrade quick. */
    private static final Header AN_HOUR = HeaderValues.createCached(HeaderNames.CACHE_CONTROL, "public, max-age=3600");

    private final byte[] document = read("openapi.yml");
    private final String swaggerUi = WEBJAR + webjarVersion() + "/";

    /** {@code /openapi.yml}, under {@code /api}. */
    public RouteTable.Group api() {
        return paths -> paths.path("/openapi.yml", on -> on.get(this::document));
    }

    /** {@code /docs} and its files, at the root. */
    public RouteTable.Group page() {
        return paths -> paths.path("/docs", on -> on.get(this::page))
                .path("/docs/{file}", on -> on.get(this::file));
    }

    private void document(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "application/yaml; charset=utf-8").header(REVALIDATE)
                .send(document);
    }

    private void page(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8").header(REVALIDATE).header(POLICY)
                .send(read("docs/index.html"));
    }

    private void file(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("file");
        String type = FILES.get(name);
        if (type == null) {
            throw new Failure.NotFound("file");
        }
        byte[] bytes = read(name.equals("conduit-docs.js") ? "docs/conduit-docs.js" : swaggerUi + name);
        res.header(HeaderNames.CONTENT_TYPE, type).header(AN_HOUR).send(bytes);
    }

    private static byte[] read(String resource) {
        try (InputStream in = DocsRoutes.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The webjar names its version in its Maven metadata; the files sit under a folder of that name. */
    private static String webjarVersion() {
        var properties = new Properties();
        try (InputStream in = DocsRoutes.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("Swagger UI's webjar is not on the class path");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version");
    }
}
