package dev.conduit.comments;

import dev.conduit.articles.Articles;
import dev.conduit.platform.db.Constraints;
import dev.conduit.platform.http.ApiException;
import dev.conduit.platform.http.Violations;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** Comments on articles: anyone reads, the signed-in write, only the author deletes. */
public final class Comments {
    static final int MAX_BODY = 10_000;

    private final Jdbi jdbi;
    private final CommentStore store;
    private final Articles articles;

    public Comments(Jdbi jdbi, Articles articles) {
        this.jdbi = jdbi;
        this.store = new CommentStore();
        this.articles = articles;
    }

    public List<Comment> list(String slug, Long viewer) {
        return jdbi.withHandle(h -> store.list(h, articles.idOf(h, slug), viewer));
    }

    public Comment add(long authorId, String slug, String body) {
        var violations = new Violations();
        String text = violations.required("body", body, MAX_BODY, false);
        violations.throwIfAny();
        return jdbi.withHandle(h -> {
            long articleId = articles.idOf(h, slug);
            try {
                return store.insert(h, articleId, authorId, text);
            } catch (RuntimeException e) {
                // the article was deleted between our lookup and the insert
                throw Constraints.isForeignKeyViolation(e) ? new ApiException.NotFound("article") : e;
            }
        });
    }

    public void delete(long callerId, String slug, long commentId) {
        jdbi.useHandle(h -> {
            long articleId = articles.idOf(h, slug);
            long author = store.authorOf(h, articleId, commentId)
                    .orElseThrow(() -> new ApiException.NotFound("comment"));
            if (author != callerId) {
                throw new ApiException.Forbidden("comment");
            }
            store.delete(h, commentId);
        });
    }
}
