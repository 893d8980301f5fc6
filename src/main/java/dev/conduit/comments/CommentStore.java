package dev.conduit.comments;

import dev.conduit.platform.db.Refusals;
import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.json.JsonText;
import dev.conduit.profiles.Profile;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** All SQL of comments. */
final class CommentStore {
    /** The article, or the commenter's account, may be deleted between the lookup and the insert. */
    private static final Refusals INSERT_REFUSALS = Refusals.of(Map.of(
            "comments_article_id_fkey", () -> new Failure.NotFound("article"),
            "comments_author_id_fkey", Failure.Unauthorized::accountGone));
    private static final String COLUMNS = "id, created_at, updated_at, body, author_id";

    /** A comment as stored; {@link Comment} shows its author as a profile. */
    record Stored(long id, Instant createdAt, long authorId, JsonText json) {
        /** {@link #list}'s order: newest first, the later id first at the same instant. */
        static final Comparator<Stored> NEWEST_FIRST =
                Comparator.comparing(Stored::createdAt).thenComparingLong(Stored::id).reversed();

        Comment as(Profile author) {
            return new Comment(json, author);
        }

        int weight() {
            return 88 + json.bytes();
        }
    }

    /** The article's comments, newest first ({@link Stored#NEWEST_FIRST}). */
    List<Stored> list(Handle h, long articleId) {
        return h.createQuery("select " + COLUMNS + " from comments where article_id = :articleId"
                        + " order by created_at desc, id desc")
                .bind("articleId", articleId)
                .map((rs, ctx) -> stored(rs))
                .list();
    }

    Stored insert(Handle h, long articleId, long authorId, String body) {
        return INSERT_REFUSALS.on(() -> h.createQuery("insert into comments (article_id, author_id, body)"
                        + " values (:articleId, :authorId, :body) returning " + COLUMNS)
                .bind("articleId", articleId)
                .bind("authorId", authorId)
                .bind("body", body)
                .map((rs, ctx) -> stored(rs))
                .one());
    }

    /** The author of comment {@code id} on article {@code articleId}, if there is such a comment. */
    Optional<Long> authorOf(Handle h, long articleId, long id) {
        return h.createQuery("select author_id from comments where id = :id and article_id = :articleId")
                .bind("id", id)
                .bind("articleId", articleId)
                .mapTo(Long.class)
                .findOne();
    }

    /** False when there was no such comment (any more). */
    boolean delete(Handle h, long id) {
        return h.createUpdate("delete from comments where id = :id").bind("id", id).execute() == 1;
    }

    private static Stored stored(ResultSet rs) throws SQLException {
        long id = rs.getLong("id");
        Instant createdAt = rs.getObject("created_at", OffsetDateTime.class).toInstant();
        return new Stored(id, createdAt, rs.getLong("author_id"), JsonText.openObject(
                "id", id,
                "createdAt", createdAt,
                "updatedAt", rs.getObject("updated_at", OffsetDateTime.class).toInstant(),
                "body", rs.getString("body")));
    }
}
