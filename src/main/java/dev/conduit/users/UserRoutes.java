package dev.conduit.users;

import dev.conduit.platform.http.Auth;
import dev.conduit.platform.http.Idempotency;
import dev.conduit.platform.http.Json;
import dev.conduit.platform.http.JsonBody;
import dev.conduit.platform.http.RateLimits;
import dev.conduit.platform.http.RouteTable;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;
import java.util.Set;

/** {@code /users}, {@code /users/login} and {@code /user}. */
public record UserRoutes(Users users, Auth auth, RateLimits limits, Idempotency idempotency)
        implements RouteTable.Group {
    /** The POSTs that hash a password (registration, login), relative to the API's base path. */
    public static final Set<String> PASSWORD_HASHING_POSTS = Set.of("/users", "/users/login");

    @Override
    public void routes(RouteTable.Paths paths) {
        paths.path("/users", on -> on.post(this::register))
                .path("/users/login", on -> on.post(this::login))
                .path("/user", on -> on.get(this::current).put(this::update));
    }

    private void register(ServerRequest req, ServerResponse res) {
        limits.registration(req);
        idempotency.create(req, res, Idempotency.NO_ACCOUNT, "user", body -> Map.of("user",
                users.register(body.text("username"), body.text("email"), body.text("password"))));
    }

    private void login(ServerRequest req, ServerResponse res) {
        limits.login(req);
        var body = JsonBody.read(req, "user");
        Json.ok(req, res, Map.of("user", users.login(body.text("email"), body.text("password"))));
    }

    private void current(ServerRequest req, ServerResponse res) {
        var caller = auth.required(req);
        Json.ok(req, res, Map.of("user", users.current(caller.userId(), caller.token())));
    }

    private void update(ServerRequest req, ServerResponse res) {
        var caller = auth.required(req);
        var body = JsonBody.read(req, "user");
        var changes = new UserChanges(
                body.textUnlessOmitted("username"),
                body.textUnlessOmitted("email"),
                body.textUnlessOmitted("password"),
                body.has("bio"), body.text("bio"),
                body.has("image"), body.text("image"),
                body.object("notifications").map(n -> new Notices(n.flag("followers"), n.flag("comments")))
                        .orElse(null));
        Json.ok(req, res, Map.of("user", users.update(caller.userId(), caller.token(), changes)));
    }
}
