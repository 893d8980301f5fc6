package dev.conduit.articles;

import static dev.conduit.platform.http.ErrorResponses.methodNotAllowed;

import dev.conduit.platform.http.ApiException;
import dev.conduit.platform.http.Auth;
import dev.conduit.platform.http.Json;
import dev.conduit.platform.http.JsonBody;
import dev.conduit.platform.http.Paging;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;

/** {@code /articles}, {@code /articles/feed}, {@code /articles/{slug}}, its {@code /favorite}, and {@code /tags}. */
public final class ArticleRoutes implements HttpService {
    private final Articles articles;
    private final Auth auth;

    public ArticleRoutes(Articles articles, Auth auth) {
        this.articles = articles;
        this.auth = auth;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/articles", this::list)
                .post("/articles", this::create)
                .any("/articles", methodNotAllowed("GET, POST"))
                // before /articles/{slug}, which would otherwise take "feed" for a slug
                .get("/articles/feed", this::feed)
                .any("/articles/feed", methodNotAllowed("GET"))
                .get("/articles/{slug}", this::get)
                .put("/articles/{slug}", this::update)
                .delete("/articles/{slug}", this::delete)
                .any("/articles/{slug}", methodNotAllowed("GET, PUT, DELETE"))
                .post("/articles/{slug}/favorite", this::favorite)
                .delete("/articles/{slug}/favorite", this::unfavorite)
                .any("/articles/{slug}/favorite", methodNotAllowed("POST, DELETE"))
                .get("/tags", this::tags)
                .any("/tags", methodNotAllowed("GET"));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Long viewer = auth.viewerId(req);
        var filter = new ArticleFilter(param(req, "tag"), param(req, "author"), param(req, "favorited"));
        Json.ok(res, articles.list(filter, Paging.from(req), viewer));
    }

    private void feed(ServerRequest req, ServerResponse res) {
        long viewer = auth.required(req).userId();
        Json.ok(res, articles.feed(viewer, Paging.from(req)));
    }

    private void get(ServerRequest req, ServerResponse res) {
        Long viewer = auth.viewerId(req);
        Json.ok(res, Map.of("article", articles.get(slug(req), viewer)));
    }

    private void create(ServerRequest req, ServerResponse res) {
        long author = auth.required(req).userId();
        var body = JsonBody.read(req, "article");
        var draft = new ArticleDraft(body.text("title"), body.text("description"), body.text("body"),
                body.textList("tagList"));
        Json.send(res, Status.CREATED_201, Map.of("article", articles.create(author, draft)));
    }

    private void update(ServerRequest req, ServerResponse res) {
        long caller = auth.required(req).userId();
        var body = JsonBody.read(req, "article");
        var tags = body.textList("tagList");
        if (tags == null && body.has("tagList")) {
            throw new ApiException.Invalid("tagList", "must be an array of strings (use [] to remove all tags)");
        }
        var changes = new ArticleDraft(body.textUnlessOmitted("title"), body.textUnlessOmitted("description"),
                body.textUnlessOmitted("body"), tags);
        Json.ok(res, Map.of("article", articles.update(caller, slug(req), changes)));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        long caller = auth.required(req).userId();
        articles.delete(caller, slug(req));
        res.status(Status.NO_CONTENT_204).send();
    }

    private void favorite(ServerRequest req, ServerResponse res) {
        long caller = auth.required(req).userId();
        Json.ok(res, Map.of("article", articles.favorite(caller, slug(req))));
    }

    private void unfavorite(ServerRequest req, ServerResponse res) {
        long caller = auth.required(req).userId();
        Json.ok(res, Map.of("article", articles.unfavorite(caller, slug(req))));
    }

    private void tags(ServerRequest req, ServerResponse res) {
        Json.ok(res, Map.of("tags", articles.tags()));
    }

    private static String slug(ServerRequest req) {
        return req.path().pathParameters().get("slug");
    }

    /** A query filter; absent or blank means "no filter". */
    private static String param(ServerRequest req, String name) {
        return req.query().first(name).filter(v -> !v.isBlank()).map(String::strip).orElse(null);
    }
}
