package dev.conduit.comments;

import dev.conduit.platform.db.Refusals;
import dev.conduit.platform.domain.Failure;
import dev.conduit.profiles.Profile;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
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
    private static final String LIST = """
            select c.id, c.created_at, c.updated_at, c.body, %s
            from comments c
            join users u on u.id = c.author_id
            where c.article_id = :articleId
            order by c.created_at desc, c.id desc
            """.formatted(Profile.COLUMNS);
    private static final String INSERT = """
            with added as (
                insert into comments (article_id, author_id, body)
                values (:articleId, :authorId, :body)
                returning id, created_at, updated_at, body, author_id)
            select added.id, added.created_at, added.updated_at, added.body, %s
            from added
            join users u on u.id = added.author_id
            """.formatted(Profile.COLUMNS);

    /** Newest first, each with its author as {@code viewer} sees them, in one statement. */
    List<Comment> list(Handle h, long articleId, Long viewer) {
        return h.createQuery(LIST)
                .bind("articleId", articleId)
                .bind("viewer", viewer)
                .map((rs, ctx) -> comment(rs))
                .list();
    }

    /** Inserts and returns the comment with its author in one round trip. */
    Comment insert(Handle h, long articleId, long authorId, String body) {
        return INSERT_REFUSALS.on(() -> h.createQuery(INSERT)
                .bind("articleId", articleId)
                .bind("authorId", authorId)
                .bind("viewer", authorId)
                .bind("body", body)
                .map((rs, ctx) -> comment(rs))
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

    private static Comment comment(ResultSet rs) throws SQLException {
        return new Comment(
                rs.getLong("id"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant(),
                rs.getString("body"),
                Profile.from(rs));
    }
}
