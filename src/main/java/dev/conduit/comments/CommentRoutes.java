package dev.conduit.comments;

import static dev.conduit.platform.http.ErrorResponses.methodNotAllowed;

import dev.conduit.platform.http.ApiException;
import dev.conduit.platform.http.Auth;
import dev.conduit.platform.http.Json;
import dev.conduit.platform.http.JsonBody;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;

/** {@code /articles/{slug}/comments} and {@code /articles/{slug}/comments/{id}}. */
public final class CommentRoutes implements HttpService {
    private final Comments comments;
    private final Auth auth;

    public CommentRoutes(Comments comments, Auth auth) {
        this.comments = comments;
        this.auth = auth;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/articles/{slug}/comments", this::list)
                .post("/articles/{slug}/comments", this::add)
                .any("/articles/{slug}/comments", methodNotAllowed("GET, POST"))
                .delete("/articles/{slug}/comments/{id}", this::delete)
                .any("/articles/{slug}/comments/{id}", methodNotAllowed("DELETE"));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Long viewer = auth.viewerId(req);
        Json.ok(res, Map.of("comments", comments.list(slug(req), viewer)));
    }

    private void add(ServerRequest req, ServerResponse res) {
        long author = auth.required(req).userId();
        var body = JsonBody.read(req, "comment");
        Json.send(res, Status.CREATED_201, Map.of("comment", comments.add(author, slug(req), body.text("body"))));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        long caller = auth.required(req).userId();
        comments.delete(caller, slug(req), commentId(req));
        res.status(Status.NO_CONTENT_204).send();
    }

    private static String slug(ServerRequest req) {
        return req.path().pathParameters().get("slug");
    }

    private static long commentId(ServerRequest req) {
        try {
            return Long.parseLong(req.path().pathParameters().get("id"));
        } catch (NumberFormatException e) {
            throw new ApiException.Invalid("id", "must be an integer");
        }
    }
}
