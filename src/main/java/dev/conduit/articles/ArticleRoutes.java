package dev.conduit.articles;

import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.http.Auth;
import dev.conduit.platform.http.Idempotency;
import dev.conduit.platform.http.Json;
import dev.conduit.platform.http.JsonBody;
import dev.conduit.platform.http.Params;
import dev.conduit.platform.http.RouteTable;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;

/** {@code /articles}, {@code /articles/feed}, {@code /articles/{slug}}, its {@code /favorite}, and {@code /tags}. */
public record ArticleRoutes(Articles articles, Auth auth, Idempotency idempotency) implements RouteTable.Group {
    @Override
    public void routes(RouteTable.Paths paths) {
        paths.path("/articles", on -> on.get(this::list).post(this::create))
                // before /articles/{slug}, which would otherwise take "feed" for a slug
                .path("/articles/feed", on -> on.get(this::feed))
                .path("/articles/{slug}", on -> on.get(this::get).put(this::update).delete(this::delete))
                .path("/articles/{slug}/favorite", on -> on.post(this::favorite).delete(this::unfavorite))
                .path("/tags", on -> on.get(this::tags));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Long viewer = auth.viewerId(req);
        var filter = new ArticleFilter(Params.query(req, "tag"), Params.query(req, "author"),
                Params.query(req, "favorited"));
        var paging = Params.paging(req);
        var words = Params.query(req, "q");
        Json.ok(req, res, words.isPresent() ? articles.search(words.get(), filter, paging, viewer)
                : articles.list(filter, paging, viewer));
    }

    private void feed(ServerRequest req, ServerResponse res) {
        long viewer = auth.required(req).userId();
        Json.ok(req, res, articles.feed(viewer, Params.paging(req)));
    }

    private void get(ServerRequest req, ServerResponse res) {
        Long viewer = auth.viewerId(req);
        Json.ok(req, res, Map.of("article", articles.get(slug(req), viewer)));
    }

    private void create(ServerRequest req, ServerResponse res) {
        long author = auth.required(req).userId();
        idempotency.create(req, res, author, "article", body -> {
            var draft = new ArticleDraft(body.text("title"), body.text("description"), body.text("body"),
                    body.textList("tagList"));
            return Map.of("article", articles.create(author, draft));
        });
    }

    private void update(ServerRequest req, ServerResponse res) {
        long caller = auth.required(req).userId();
        var body = JsonBody.read(req, "article");
        var tags = body.textList("tagList");
        if (tags == null && body.has("tagList")) {
            throw new Failure.Invalid("tagList", "must be an array of strings (use [] to remove all tags)");
        }
        var changes = new ArticleDraft(body.textUnlessOmitted("title"), body.textUnlessOmitted("description"),
                body.textUnlessOmitted("body"), tags);
        Json.ok(req, res, Map.of("article", articles.update(caller, slug(req), changes)));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        long caller = auth.required(req).userId();
        articles.delete(caller, slug(req));
        res.status(Status.NO_CONTENT_204).send();
    }

    private void favorite(ServerRequest req, ServerResponse res) {
        long caller = auth.required(req).userId();
        Json.ok(req, res, Map.of("article", articles.favorite(caller, slug(req))));
    }

    private void unfavorite(ServerRequest req, ServerResponse res) {
        long caller = auth.required(req).userId();
        Json.ok(req, res, Map.of("article", articles.unfavorite(caller, slug(req))));
    }

    private void tags(ServerRequest req, ServerResponse res) {
        Json.ok(req, res, Map.of("tags", articles.tags()));
    }

    private static String slug(ServerRequest req) {
        return Params.path(req, "slug");
    }
}
