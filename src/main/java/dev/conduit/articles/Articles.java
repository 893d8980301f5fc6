package dev.conduit.articles;

import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.domain.Paging;
import dev.conduit.platform.domain.Violations;
import java.util.List;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Articles, the feed, favorites and tags: who may do what, validation, slugs and transactions. */
public final class Articles {
    static final int MAX_TITLE = 200;
    static final int MAX_DESCRIPTION = 1_000;
    static final int MAX_BODY = 100_000;
    private static final int MAX_TAGS_LISTED = 1_000;
    private static final int SLUG_ATTEMPTS = 5;

    private final Jdbi jdbi;
    private final ArticleStore store;

    public Articles(Jdbi jdbi) {
        this.jdbi = jdbi;
        this.store = new ArticleStore();
    }

    public ArticlePage list(ArticleFilter filter, Paging paging, Long viewer) {
        return jdbi.withHandle(h -> store.list(h, filter, viewer, paging.limit(), paging.offset()));
    }

    public ArticlePage feed(long viewer, Paging paging) {
        return jdbi.withHandle(h -> store.feed(h, viewer, paging.limit(), paging.offset()));
    }

    public Article get(String slug, Long viewer) {
        return jdbi.withHandle(h -> store.findBySlug(h, slug, viewer)).orElseThrow(Articles::notFound);
    }

    /** The article's id, for features that hang off an article (comments). */
    public long idOf(Handle h, String slug) {
        return store.ref(h, slug, false).orElseThrow(Articles::notFound).id();
    }

    public Article create(long authorId, ArticleDraft draft) {
        var violations = new Violations();
        var valid = new ArticleDraft(
                violations.required("title", draft.title(), MAX_TITLE, true),
                violations.required("description", draft.description(), MAX_DESCRIPTION, true),
                violations.required("body", draft.body(), MAX_BODY, false),
                Tags.normalize(violations, draft.tagList() == null ? List.of() : draft.tagList()));
        violations.throwIfAny();

        return jdbi.inTransaction(h -> {
            String base = Slugs.base(valid.title());
            for (int attempt = 0; attempt < SLUG_ATTEMPTS; attempt++) {
                String slug = attempt == 0 ? base : Slugs.withSuffix(base);
                var id = store.insert(h, authorId, slug, valid);
                if (id.isPresent()) {
                    store.insertTags(h, id.get(), valid.tagList());
                    return store.findById(h, id.get(), authorId).orElseThrow();
                }
            }
            throw Failure.Conflict.taken("slug");
        });
    }

    public Article update(long callerId, String slug, ArticleDraft changes) {
        var violations = new Violations();
        if (changes.title() == null && changes.description() == null && changes.body() == null
                && changes.tagList() == null) {
            violations.add("article", "must contain at least one field to change");
        }
        var valid = new ArticleDraft(
                changes.title() == null ? null : violations.required("title", changes.title(), MAX_TITLE, true),
                changes.description() == null ? null
                        : violations.required("description", changes.description(), MAX_DESCRIPTION, true),
                changes.body() == null ? null : violations.required("body", changes.body(), MAX_BODY, false),
                changes.tagList() == null ? null : Tags.normalize(violations, changes.tagList()));
        violations.throwIfAny();

        // A new title means a new slug; should another writer take it between our check and our update,
        // the store says so and the whole transaction runs again with a fresh suffix.
        return retryWhileSlugTaken(() -> jdbi.inTransaction(h -> {
            var ref = ownedRef(h, slug, callerId);
            String newSlug = null;
            if (valid.title() != null && !valid.title().equals(ref.title())) {
                String base = Slugs.base(valid.title());
                newSlug = store.slugTaken(h, base, ref.id()) ? Slugs.withSuffix(base) : base;
            }
            store.update(h, ref.id(), newSlug, valid);
            if (valid.tagList() != null) {
                store.replaceTags(h, ref.id(), valid.tagList());
            }
            return store.findById(h, ref.id(), callerId).orElseThrow();
        }));
    }

    public void delete(long callerId, String slug) {
        jdbi.useTransaction(h -> store.delete(h, ownedRef(h, slug, callerId).id()));
    }

    public Article favorite(long userId, String slug) {
        return jdbi.withHandle(h -> {
            long id = idOf(h, slug);
            store.favorite(h, userId, id);
            return store.findById(h, id, userId).orElseThrow(Articles::notFound);
        });
    }

    public Article unfavorite(long userId, String slug) {
        return jdbi.withHandle(h -> {
            long id = idOf(h, slug);
            store.unfavorite(h, userId, id);
            return store.findById(h, id, userId).orElseThrow(Articles::notFound);
        });
    }

    public List<String> tags() {
        return jdbi.withHandle(h -> store.tags(h, MAX_TAGS_LISTED));
    }

    private ArticleStore.Ref ownedRef(Handle h, String slug, long callerId) {
        var ref = store.ref(h, slug, true).orElseThrow(Articles::notFound);
        if (ref.authorId() != callerId) {
            throw new Failure.Forbidden("article");
        }
        return ref;
    }

    private static <T> T retryWhileSlugTaken(Supplier<T> transaction) {
        for (int attempt = 1; ; attempt++) {
            try {
                return transaction.get();
            } catch (Failure.Conflict e) {
                if (!e.field().equals("slug") || attempt == SLUG_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static Failure notFound() {
        return new Failure.NotFound("article");
    }
}
