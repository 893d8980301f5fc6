package dev.conduit.comments;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.Api;
import dev.conduit.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommentsTest {
    private final Api api = TestServer.api();

    @Test
    void addedCommentsAreListedNewestFirstForAnyone() {
        var author = api.register("cauthor");
        var commenter = api.register("commenter");
        String slug = api.createArticle(author, Api.unique("Discussed"), List.of());

        var first = api.post("/articles/" + slug + "/comments", wrap("comment", "body", "first"), commenter.token());
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.at("/comment/id").isIntegralNumber()).isTrue();
        assertThat(first.text("/comment/body")).isEqualTo("first");
        assertThat(first.text("/comment/createdAt")).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
        assertThat(first.text("/comment/author/username")).isEqualTo(commenter.username());
        api.post("/articles/" + slug + "/comments", wrap("comment", "body", "second"), author.token());

        var list = api.get("/articles/" + slug + "/comments");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.at("/comments").size()).isEqualTo(2);
        assertThat(list.text("/comments/0/body")).isEqualTo("second");
        assertThat(list.text("/comments/1/body")).isEqualTo("first");
    }

    @Test
    void commentAuthorsShowWhetherTheViewerFollowsThem() {
        var author = api.register("cfollowed");
        var reader = api.register("creader");
        String slug = api.createArticle(author, Api.unique("Followed"), List.of());
        api.post("/articles/" + slug + "/comments", wrap("comment", "body", "hi"), author.token());
        api.post("/profiles/" + author.username() + "/follow", null, reader.token());

        assertThat(api.get("/articles/" + slug + "/comments", reader.token())
                .at("/comments/0/author/following").asBoolean()).isTrue();
        assertThat(api.get("/articles/" + slug + "/comments").at("/comments/0/author/following").asBoolean())
                .isFalse();
    }

    @Test
    void onlyTheCommentAuthorMayDeleteIt() {
        var author = api.register("cowner");
        var commenter = api.register("cwriter");
        String slug = api.createArticle(author, Api.unique("Guarded"), List.of());
        long id = api.comment(commenter, slug, "mine");

        var byArticleAuthor = api.delete("/articles/" + slug + "/comments/" + id, author.token());
        byArticleAuthor.assertError(403, "comment", "forbidden");
        assertThat(api.get("/articles/" + slug + "/comments").at("/comments").size()).isEqualTo(1);

        api.delete("/articles/" + slug + "/comments/" + id, null).assertError(401, "token", "is missing");
        assertThat(api.delete("/articles/" + slug + "/comments/" + id, commenter.token()).status()).isEqualTo(204);
        assertThat(api.get("/articles/" + slug + "/comments").at("/comments").size()).isZero();
        api.delete("/articles/" + slug + "/comments/" + id, commenter.token()).assertError(404, "comment", "not found");
    }

    @Test
    void aCommentIsOnlyReachableThroughItsOwnArticle() {
        var author = api.register("cpath");
        String one = api.createArticle(author, Api.unique("One"), List.of());
        String two = api.createArticle(author, Api.unique("Two"), List.of());
        long id = api.comment(author, one, "on one");

        var res = api.delete("/articles/" + two + "/comments/" + id, author.token());

        res.assertError(404, "comment", "not found");
        assertThat(api.get("/articles/" + one + "/comments").at("/comments").size()).isEqualTo(1);
    }

    @Test
    void badCommentsAndUnknownArticlesAreRejected() {
        var author = api.register("cbad");
        String slug = api.createArticle(author, Api.unique("Strict"), List.of());

        String comments = "/articles/" + slug + "/comments";
        api.post(comments, wrap("comment", "body", " "), author.token()).assertError(422, "body", "can't be blank");
        api.post(comments, wrap("comment", "body", "x".repeat(Comments.MAX_BODY + 1)), author.token())
                .assertError(422, "body", "is too long (maximum is 10000 characters)");
        api.post(comments, wrap("body", "x", "y"), author.token()).assertError(422, "comment", "is missing");
        api.delete(comments + "/abc", author.token()).assertError(422, "id", "must be an integer");
        api.delete(comments + "/99999999999999999999", author.token()).assertError(422, "id", "must be an integer");
        api.delete(comments + "/0", author.token()).assertError(404, "comment", "not found");

        api.get("/articles/no-such-slug-xyz/comments").assertError(404, "article", "not found");
        api.post("/articles/no-such-slug-xyz/comments", wrap("comment", "body", "x"), author.token())
                .assertError(404, "article", "not found");
        api.delete("/articles/no-such-slug-xyz/comments/1", author.token()).assertError(404, "article", "not found");
        assertThat(api.get("/articles/" + slug + "/comments").at("/comments").size()).isZero();
    }
}
