package dev.conduit;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A row someone else deletes while a request works on it answers as if it had been deleted before the request:
 * 404 for the article, profile or comment, 401 for the caller's own account. Each race is played out in that
 * order (the row goes right after the request's first lookup), then the same request is sent again.
 */
class DeletedMeanwhileTest {
    private static final String ARTICLE_LOOKUP = "from articles where slug";
    private static final String PROFILE_LOOKUP = "where lower(username) = lower(";
    private static final String ACCOUNT_GONE = "belongs to an account that no longer exists";
    private final Api api = TestServer.api();

    @Test
    void commentingOnAnArticleDeletedMeanwhile() {
        var author = api.register("gonearticle");
        var commenter = api.register("commenter");
        String slug = api.createArticle(author, Api.unique("Doomed"), List.of());

        assertBothAnswer(404, "article", "not found", ARTICLE_LOOKUP, () -> deleteArticle(slug),
                () -> api.post("/articles/" + slug + "/comments", wrap("comment", "body", "late"), commenter.token()));
    }

    @Test
    void commentingFromAnAccountDeletedMeanwhile() {
        var author = api.register("host");
        var commenter = api.register("vanishing");
        String slug = api.createArticle(author, Api.unique("Open"), List.of());

        assertBothAnswer(401, "token", ACCOUNT_GONE, ARTICLE_LOOKUP, () -> deleteAccount(commenter),
                () -> api.post("/articles/" + slug + "/comments", wrap("comment", "body", "late"), commenter.token()));
        assertThat(api.get("/articles/" + slug + "/comments").at("/comments").size()).isZero();
    }

    @Test
    void favoritingAnArticleDeletedMeanwhile() {
        var author = api.register("gonefav");
        var fan = api.register("fan");
        String slug = api.createArticle(author, Api.unique("Doomed"), List.of());

        assertBothAnswer(404, "article", "not found", ARTICLE_LOOKUP, () -> deleteArticle(slug),
                () -> api.post("/articles/" + slug + "/favorite", null, fan.token()));
    }

    @Test
    void unfavoritingAnArticleDeletedAfterItsSlugWasRead() {
        var author = api.register("goneunfav");
        var fan = api.register("fan");
        String slug = api.createArticle(author, Api.unique("Doomed"), List.of());
        api.post("/articles/" + slug + "/favorite", null, fan.token());

        // the slug's id is cached, and the write is one statement: it finds no article to count
        deleteArticle(slug);
        api.delete("/articles/" + slug + "/favorite", fan.token()).assertError(404, "article", "not found");
        api.post("/articles/" + slug + "/favorite", null, fan.token()).assertError(404, "article", "not found");
    }

    @Test
    void favoritingFromAnAccountDeletedMeanwhile() {
        var author = api.register("favhost");
        var fan = api.register("vanishing");
        String slug = api.createArticle(author, Api.unique("Liked"), List.of());

        assertBothAnswer(401, "token", ACCOUNT_GONE, ARTICLE_LOOKUP, () -> deleteAccount(fan),
                () -> api.post("/articles/" + slug + "/favorite", null, fan.token()));
        assertThat(api.get("/articles/" + slug).at("/article/favoritesCount").asInt()).isZero();
    }

    @Test
    void followingAProfileDeletedMeanwhile() {
        var fan = api.register("fan");
        var celeb = api.register("vanishing");

        assertBothAnswer(404, "profile", "not found", PROFILE_LOOKUP, () -> deleteAccount(celeb),
                () -> api.post("/profiles/" + celeb.username() + "/follow", null, fan.token()));
    }

    @Test
    void followingFromAnAccountDeletedMeanwhile() {
        var fan = api.register("vanishing");
        var celeb = api.register("celeb");

        assertBothAnswer(401, "token", ACCOUNT_GONE, PROFILE_LOOKUP, () -> deleteAccount(fan),
                () -> api.post("/profiles/" + celeb.username() + "/follow", null, fan.token()));
    }

    @Test
    void deletingACommentDeletedMeanwhile() {
        var author = api.register("twice");
        String slug = api.createArticle(author, Api.unique("Discussed"), List.of());
        long id = api.comment(author, slug, "once");

        assertBothAnswer(404, "comment", "not found", "select author_id from comments",
                () -> TestServer.database().useHandle(h -> h.execute("delete from comments where id = ?", id)),
                () -> api.delete("/articles/" + slug + "/comments/" + id, author.token()));
    }

    @Test
    void writingFromAnAccountDeletedBefore() {
        var author = api.register("vanishing");
        deleteAccount(author);

        // nothing to look up first: the insert itself finds the account gone
        api.post("/articles", wrap("article", "title", "t", "description", "d", "body", "b"), author.token())
                .assertError(401, "token", ACCOUNT_GONE);
        api.get("/user", author.token()).assertError(401, "token", ACCOUNT_GONE);
    }

    @Test
    void renamingAnAccountDeletedMeanwhile() {
        var user = api.register("vanishing");

        assertBothAnswer(401, "token", ACCOUNT_GONE, "username_taken", () -> deleteAccount(user),
                () -> api.put("/user", wrap("user", "username", Api.unique("renamed")), user.token()));
    }

    /**
     * Sends {@code request} with {@code delete} run right after its statement containing {@code afterSql}, then
     * sends it again (the row now gone before it): both get the same answer.
     */
    private static void assertBothAnswer(int status, String field, String message, String afterSql, Runnable delete,
                                         Supplier<Api.Response> request) {
        TestServer.statements().interleaving(afterSql, delete, request).assertError(status, field, message);
        request.get().assertError(status, field, message);
    }

    private static void deleteArticle(String slug) {
        TestServer.database().useHandle(h -> h.execute("delete from articles where slug = ?", slug));
    }

    private static void deleteAccount(Api.User user) {
        TestServer.database().useHandle(h -> h.execute("delete from users where username = ?", user.username()));
    }
}
