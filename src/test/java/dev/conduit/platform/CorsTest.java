package dev.conduit.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.Api;
import dev.conduit.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A RealWorld front end served from another origin can call the API from a browser. */
class CorsTest {
    private final Api api = TestServer.api();

    @Test
    void preflightAsBrowsersSendItIsAllowed() {
        var res = api.raw("OPTIONS", "/articles/some-slug", null, Map.of(
                "Origin", "http://localhost:4200",
                "Access-Control-Request-Method", "PUT",
                "Access-Control-Request-Headers", "authorization,content-type"));

        assertThat(res.status()).isEqualTo(204);
        assertThat(res.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        assertThat(res.headers().firstValue("Access-Control-Allow-Methods")).hasValueSatisfying(
                methods -> assertThat(methods).contains("PUT", "DELETE"));
        assertThat(res.headers().firstValue("Access-Control-Allow-Headers")).hasValueSatisfying(
                headers -> assertThat(headers).containsIgnoringCase("authorization").containsIgnoringCase("content-type"));
    }

    @Test
    void answersAndErrorsCarryTheAllowOriginHeader() {
        var ok = api.raw("GET", "/tags", null, Map.of("Origin", "http://localhost:4200"));
        var error = api.raw("GET", "/user", null, Map.of("Origin", "http://localhost:4200"));

        assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        assertThat(error.status()).isEqualTo(401);
        assertThat(error.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
    }

    @Test
    void plainOptionsListsTheAllowedMethods() {
        var res = api.raw("OPTIONS", "/articles/some-slug/comments", null, Map.of());

        assertThat(res.status()).isEqualTo(204);
        assertThat(res.headers().firstValue("Allow")).contains("GET, POST");
    }
}
