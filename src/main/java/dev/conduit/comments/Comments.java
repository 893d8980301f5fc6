package dev.conduit.comments;

import dev.conduit.articles.Articles;
import dev.conduit.platform.cache.CacheBudget;
import dev.conduit.platform.cache.Cached;
import dev.conduit.platform.cache.ChangeFeed;
import dev.conduit.platform.cache.WriteOrder;
import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.domain.Violations;
import dev.conduit.platform.jobs.Events;
import dev.conduit.profiles.Profile;
import dev.conduit.profiles.Profiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/**
 * Comments on articles: anyone reads, the signed-in write, only the author deletes. An article's comments are
 * kept in memory ({@code byArticle}: article id → its comments, newest first); a written comment is put in its
 * place there ({@link CommentAdded}) and a deleted one taken out ({@link CommentDeleted}), so a discussion is read
 * from the database once, not after each comment. An article's comment writes commit and publish one at a time
 * ({@link WriteOrder}): a delete racing the write of the same comment is heard after it. A deleted article's
 * entry is never read again (its slug no longer leads to it) and ages out.
 */
public final class Comments {
    static final int MAX_BODY = 10_000;
    public static final String CREATED = "comment.created";

    private final Jdbi jdbi;
    private final CommentStore store;
    private final Articles articles;
    private final Profiles profiles;
    private final ChangeFeed feed;
    private final Events events;
    private final Cached<Long, List<CommentStore.Stored>> byArticle;
    private final WriteOrder order = new WriteOrder();

    /** Takes 20 % of {@code budget}; tells {@code events} of comments written ({@value #CREATED}). */
    public Comments(Jdbi jdbi, Articles articles, Profiles profiles, ChangeFeed feed, Events events,
                    CacheBudget budget) {
        this.byArticle = budget.share("comments.byArticle", 20,
                (id, comments) -> 64 + comments.stream().mapToInt(CommentStore.Stored::weight).sum());
        this.jdbi = jdbi;
        this.store = new CommentStore();
        this.articles = articles;
        this.profiles = profiles;
        this.feed = feed;
        this.events = events;
        feed.subscribe(CommentAdded.class, change -> byArticle.update(change.articleId(),
                comments -> with(comments, change.comment())), change -> byArticle.invalidate(change.articleId()));
        feed.subscribe(CommentDeleted.class, change -> byArticle.update(change.articleId(),
                comments -> comments.stream().filter(c -> c.id() != change.commentId()).toList()),
                change -> byArticle.invalidate(change.articleId()));
    }

    public List<Comment> list(String slug, Long viewer) {
        var stored = byArticle.get(articles.idOf(slug), id -> jdbi.withHandle(h -> store.list(h, id)));
        var authors = profiles.viewedBy(
                stored.stream().map(CommentStore.Stored::authorId).collect(Collectors.toSet()), viewer);
        var comments = new ArrayList<Comment>(stored.size());
        for (var comment : stored) {
            var author = authors.get(comment.authorId());
            if (author != null) {
                comments.add(comment.as(author));
            }
        }
        return comments;
    }

    public Comment add(long authorId, String slug, String body) {
        var violations = new Violations();
        String text = violations.required("body", body, MAX_BODY, false);
        violations.throwIfAny();
        // the slug's id from the cache: an article deleted meanwhile makes the insert fail (404)
        long articleId = articles.idOf(slug);
        long owner = articles.authorOf(articleId);
        var author = profiles.find(authorId, authorId).orElseThrow(Failure.Unauthorized::accountGone);
        var comment = order.locked(articleId, () -> {
            var written = events.write(jdbi, CREATED, owner, h -> store.insert(h, articleId, authorId, text),
                    stored -> new Events.Event(CREATED, owner, authorId, () -> Map.of("article", Map.of("slug", slug),
                            "comment", stored.as(new Profile(author.card(), false)))));
            feed.apply(new CommentAdded(articleId, written));
            return written;
        });
        feed.othersCaughtUp();
        return comment.as(author);
    }

    public void delete(long callerId, String slug, long commentId) {
        // the slug's id from the cache, as for a write: an article deleted meanwhile took its comments with it (404)
        long articleId = articles.idOf(slug);
        order.locked(articleId, () -> {
            jdbi.useHandle(h -> {
                long author = store.authorOf(h, articleId, commentId).orElseThrow(Comments::notFound);
                if (author != callerId) {
                    throw new Failure.Forbidden("comment");
                }
                if (!store.delete(h, commentId)) {
                    throw notFound();
                }
            });
            feed.apply(new CommentDeleted(articleId, commentId));
        });
        feed.othersCaughtUp();
    }

    /**
     * {@code comments} with {@code added} in its place, once: a load that read after the write's commit may have
     * been stored before this change arrived, and already holds it.
     */
    private static List<CommentStore.Stored> with(List<CommentStore.Stored> comments, CommentStore.Stored added) {
        if (comments.stream().anyMatch(comment -> comment.id() == added.id())) {
            return comments;
        }
        var out = new ArrayList<>(comments);
        out.add(added);
        out.sort(CommentStore.Stored.NEWEST_FIRST);
        return List.copyOf(out);
    }

    /** The caches, for tests and metrics. */
    public List<Cached<?, ?>> caches() {
        return List.of(byArticle);
    }

    private static Failure notFound() {
        return new Failure.NotFound("comment");
    }
}
