package dev.conduit.profiles;

import static dev.conduit.platform.http.ErrorResponses.methodNotAllowed;

import dev.conduit.platform.http.Auth;
import dev.conduit.platform.http.Json;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;

/** {@code /profiles/{username}} and its {@code /follow}. */
public final class ProfileRoutes implements HttpService {
    private final Profiles profiles;
    private final Auth auth;

    public ProfileRoutes(Profiles profiles, Auth auth) {
        this.profiles = profiles;
        this.auth = auth;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/profiles/{username}", this::get)
                .any("/profiles/{username}", methodNotAllowed("GET"))
                .post("/profiles/{username}/follow", this::follow)
                .delete("/profiles/{username}/follow", this::unfollow)
                .any("/profiles/{username}/follow", methodNotAllowed("POST, DELETE"));
    }

    private void get(ServerRequest req, ServerResponse res) {
        Long viewer = auth.viewerId(req);
        Json.ok(res, Map.of("profile", profiles.get(username(req), viewer)));
    }

    private void follow(ServerRequest req, ServerResponse res) {
        long viewer = auth.required(req).userId();
        Json.ok(res, Map.of("profile", profiles.follow(viewer, username(req))));
    }

    private void unfollow(ServerRequest req, ServerResponse res) {
        long viewer = auth.required(req).userId();
        Json.ok(res, Map.of("profile", profiles.unfollow(viewer, username(req))));
    }

    private static String username(ServerRequest req) {
        return req.path().pathParameters().get("username");
    }
}
