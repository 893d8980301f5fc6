package dev.conduit.comments;

import dev.conduit.platform.http.Auth;
import dev.conduit.platform.http.Idempotency;
import dev.conduit.platform.http.Json;
import dev.conduit.platform.http.Params;
import dev.conduit.platform.http.RouteTable;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;

/** {@code /articles/{slug}/comments} and {@code /articles/{slug}/comments/{id}}. */
public record CommentRoutes(Comments comments, Auth auth, Idempotency idempotency) implements RouteTable.Group {
    @Override
    public void routes(RouteTable.Paths paths) {
        paths.path("/articles/{slug}/comments", on -> on.get(this::list).post(this::add))
                .path("/articles/{slug}/comments/{id}", on -> on.delete(this::delete));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Long viewer = auth.viewerId(req);
        Json.ok(req, res, Map.of("comments", comments.list(Params.path(req, "slug"), viewer)));
    }

    private void add(ServerRequest req, ServerResponse res) {
        long author = auth.required(req).userId();
        idempotency.create(req, res, author, "comment",
                body -> Map.of("comment", comments.add(author, Params.path(req, "slug"), body.text("body"))));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        long caller = auth.required(req).userId();
        comments.delete(caller, Params.path(req, "slug"), Params.pathId(req, "id"));
        res.status(Status.NO_CONTENT_204).send();
    }
}
