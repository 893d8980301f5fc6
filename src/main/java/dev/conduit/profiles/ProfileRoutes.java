package dev.conduit.profiles;

import dev.conduit.platform.http.Auth;
import dev.conduit.platform.http.Json;
import dev.conduit.platform.http.Params;
import dev.conduit.platform.http.RouteTable;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;

/** {@code /profiles/{username}} and its {@code /follow}. */
public record ProfileRoutes(Profiles profiles, Auth auth) implements RouteTable.Group {
    @Override
    public void routes(RouteTable.Paths paths) {
        paths.path("/profiles/{username}", on -> on.get(this::get))
                .path("/profiles/{username}/follow", on -> on.post(this::follow).delete(this::unfollow));
    }

    private void get(ServerRequest req, ServerResponse res) {
        Long viewer = auth.viewerId(req);
        Json.ok(req, res, Map.of("profile", profiles.get(Params.path(req, "username"), viewer)));
    }

    private void follow(ServerRequest req, ServerResponse res) {
        long viewer = auth.required(req).userId();
        Json.ok(req, res, Map.of("profile", profiles.follow(viewer, Params.path(req, "username"))));
    }

    private void unfollow(ServerRequest req, ServerResponse res) {
        long viewer = auth.required(req).userId();
        Json.ok(req, res, Map.of("profile", profiles.unfollow(viewer, Params.path(req, "username"))));
    }
}
