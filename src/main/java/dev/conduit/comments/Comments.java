package dev.conduit.comments;

import dev.conduit.articles.Articles;
import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.domain.Violations;
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
        return jdbi.withHandle(h -> store.insert(h, articles.idOf(h, slug), authorId, text));
    }

    public void delete(long callerId, String slug, long commentId) {
        jdbi.useHandle(h -> {
            long articleId = articles.idOf(h, slug);
            long author = store.authorOf(h, articleId, commentId).orElseThrow(Comments::notFound);
            if (author != callerId) {
                throw new Failure.Forbidden("comment");
            }
            if (!store.delete(h, commentId)) {
                throw notFound();
            }
        });
    }

    private static Failure notFound() {
        return new Failure.NotFound("comment");
    }
}
