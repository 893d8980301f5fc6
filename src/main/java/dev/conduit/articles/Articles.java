package dev.conduit.articles;

import dev.conduit.platform.cache.CacheBudget;
import dev.conduit.platform.cache.Cached;
import dev.conduit.platform.cache.ChangeFeed;
import dev.conduit.platform.cache.WriteOrder;
import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.domain.Paging;
import dev.conduit.platform.domain.Violations;
import dev.conduit.platform.jobs.Events;
import dev.conduit.platform.json.JsonText;
import dev.conduit.profiles.Profile;
import dev.conduit.profiles.Profiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Articles, the feed, favorites and tags: who may do what, validation, slugs and transactions. Reads are served
 * from {@link ArticleCache}; every write checks and changes the database itself, then, once committed, publishes
 * what it changed so the caches follow (in place, or by dropping the entries) before the answer goes out.
 */
public final class Articles {
    static final int MAX_TITLE = 200;
    static final int MAX_DESCRIPTION = 1_000;
    static final int MAX_BODY = 100_000;
    private static final int MAX_TAGS_LISTED = 1_000;
    private static final int SLUG_ATTEMPTS = 5;
    public static final String PUBLISHED = "article.published";
    public static final String UPDATED = "article.updated";

    private final Jdbi jdbi;
    private final ArticleStore store;
    private final ArticleCache cache;
    private final Profiles profiles;
    private final ChangeFeed feed;
    private final Events events;
    private final WriteOrder order = new WriteOrder();

    /** Tells {@code events} of articles published and updated ({@value #PUBLISHED}, {@value #UPDATED}). */
    public Articles(Jdbi jdbi, Profiles profiles, ChangeFeed feed, Events events, CacheBudget budget) {
        this.jdbi = jdbi;
        this.store = new ArticleStore();
        this.cache = new ArticleCache(feed, budget);
        this.profiles = profiles;
        this.feed = feed;
        this.events = events;
    }

    public ArticlePage list(ArticleFilter filter, Paging paging, Long viewer) {
        return key(filter).map(key -> page(key, paging, viewer)).orElseGet(ArticlePage::empty);
    }

    /**
     * The articles that have the words {@code typed} (a search box's text) and meet the filters, best match first,
     * each with a snippet of its body where the words matched. Never cached: few searches repeat.
     */
    public ArticlePage search(String typed, ArticleFilter filter, Paging paging, Long viewer) {
        var query = Search.query(typed);
        var key = key(filter);
        if (query.isEmpty() || key.isEmpty()) {
            return ArticlePage.empty();
        }
        var found = jdbi.withHandle(h -> store.search(h, key.get(), query.get(), paging.limit(),
                paging.offset()));
        var snippets = found.snippets().stream().map(s -> JsonText.members("snippet", Search.html(s))).toList();
        return new ArticlePage(views(found.ids(), viewer, snippets::get), found.total());
    }

    /** The list a filter names; empty when it names an account that does not exist (nothing it wrote or favorited). */
    private Optional<Listing.Key> key(ArticleFilter filter) {
        Optional<Long> author = filter.author().map(profiles::idOf).orElse(Optional.empty());
        Optional<Long> favoritedBy = filter.favoritedBy().map(profiles::idOf).orElse(Optional.empty());
        if (filter.author().isPresent() && author.isEmpty() || filter.favoritedBy().isPresent() && favoritedBy.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Listing.Key(filter.tag().orElse(null), author.orElse(null), favoritedBy.orElse(null),
                null));
    }

    public ArticlePage feed(long viewer, Paging paging) {
        return page(Listing.Key.feed(viewer), paging, viewer);
    }

    public Article get(String slug, Long viewer) {
        return view(idOf(slug), viewer);
    }

    /** The id of the article {@code slug} names, for features that hang off an article (comments) to read. */
    public long idOf(String slug) {
        Long id = cache.slugs.get(slug, s -> jdbi.withHandle(h -> store.idOf(h, s)).orElse(null));
        if (id == null) {
            throw notFound();
        }
        return id;
    }

    /** The author of article {@code id}, for features that tell of what happens to it (comments' events). */
    public long authorOf(long id) {
        var summary = summary(id);
        if (summary == null) {
            throw notFound();
        }
        return summary.authorId();
    }

    public Article create(long authorId, ArticleDraft draft) {
        var violations = new Violations();
        var valid = new ArticleDraft(
                violations.required("title", draft.title(), MAX_TITLE, true),
                violations.required("description", draft.description(), MAX_DESCRIPTION, true),
                violations.required("body", draft.body(), MAX_BODY, false),
                Tags.normalize(violations, draft.tagList() == null ? List.of() : draft.tagList()));
        violations.throwIfAny();
        var author = profiles.find(authorId, authorId).orElseThrow(Failure.Unauthorized::accountGone);
        var body = Article.bodyMember(valid.body());

        var created = events.write(jdbi, PUBLISHED, authorId, h -> {
            String base = Slugs.base(valid.title());
            for (int attempt = 0; attempt < SLUG_ATTEMPTS; attempt++) {
                var inserted = store.insert(h, authorId, attempt == 0 ? base : Slugs.withSuffix(base), valid);
                if (inserted.isPresent()) {
                    return inserted.get();
                }
            }
            throw Failure.Conflict.taken("slug");
        }, inserted -> new Events.Event(PUBLISHED, authorId, authorId, () -> told(inserted.summary(), body, author)));
        var summary = created.summary();
        feed.publish(new ArticleChange(ArticleChange.Kind.CREATED, summary.id(), authorId, created.createdAt(),
                Set.copyOf(valid.tagList()), Set.of()));
        return summary.as(body, null, false, author);
    }

    /** An event's data: the article as anyone signed out sees it. */
    private static Object told(Summary summary, JsonText body, Profile author) {
        return Map.of("article", summary.as(body, null, false, new Profile(author.card(), false)));
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
        var caller = profiles.find(callerId, callerId).orElseThrow(Failure.Unauthorized::accountGone);

        // A new title means a new slug; should another writer take it between our check and our update,
        // the store says so and the whole transaction runs again with a fresh suffix.
        var change = retryWhileSlugTaken(() -> jdbi.inTransaction(h -> {
            var ref = ownedRef(h, slug, callerId);
            String newSlug = null;
            if (valid.title() != null && !valid.title().equals(ref.title())) {
                String base = Slugs.base(valid.title());
                newSlug = store.slugTaken(h, base, ref.id()) ? Slugs.withSuffix(base) : base;
            }
            store.update(h, ref.id(), newSlug, valid);
            Set<String> retagged = Set.of();
            if (valid.tagList() != null) {
                var deltas = Tags.deltas(store.removeTags(h, ref.id()), valid.tagList());
                store.insertTags(h, ref.id(), valid.tagList());
                store.countTags(h, deltas);
                retagged = Set.copyOf(deltas.keySet());
            }
            boolean renamed = newSlug != null && !newSlug.equals(ref.slug());
            events.tell(h, new Events.Event(UPDATED, ref.authorId(), callerId, () -> told(
                    store.summaries(h, List.of(ref.id())).get(ref.id()), store.body(h, ref.id()).orElseThrow(),
                    caller)));
            return new ArticleChange(ArticleChange.Kind.EDITED, ref.id(), ref.authorId(), ref.createdAt(), retagged,
                    renamed ? Set.of(ref.slug()) : Set.of());
        }));
        feed.publish(change);
        return view(change.id(), callerId);
    }

    public void delete(long callerId, String slug) {
        var change = jdbi.inTransaction(h -> {
            var ref = ownedRef(h, slug, callerId);
            var tags = store.removeTags(h, ref.id());
            store.delete(h, ref.id());
            store.countTags(h, Tags.deltas(tags, List.of()));
            return new ArticleChange(ArticleChange.Kind.DELETED, ref.id(), ref.authorId(), ref.createdAt(), tags,
                    Set.of(ref.slug()));
        });
        feed.publish(change);
    }

    /**
     * The slug's id comes from the cache: an article deleted meanwhile makes the insert fail (404). The caches
     * take the new count and favorite in place, so an article's favorites are written one at a time (their changes
     * must be heard in the order they committed); a user's favorites of different articles commute.
     */
    public Article favorite(long userId, String slug) {
        return favorite(userId, idOf(slug), true);
    }

    public Article unfavorite(long userId, String slug) {
        return favorite(userId, idOf(slug), false);
    }

    private Article favorite(long userId, long id, boolean favorited) {
        order.locked(id, () -> {
            var toggled = jdbi.withHandle(h -> favorited ? store.favorite(h, userId, id) : store.unfavorite(h, userId, id))
                    .orElseThrow(Articles::notFound);
            if (toggled.changed()) { // else the caches hold what is stored already
                feed.apply(new FavoriteChange(userId, id, favorited, toggled.favoritesCount()));
            }
        });
        feed.othersCaughtUp();
        return view(id, userId);
    }

    public List<String> tags() {
        return cache.tags.get(ArticleCache.TAGS, key -> jdbi.withHandle(h -> store.tags(h, MAX_TAGS_LISTED)));
    }

    /** The caches, for tests and metrics. */
    public List<Cached<?, ?>> caches() {
        return cache.all();
    }

    private ArticlePage page(Listing.Key key, Paging paging, Long viewer) {
        var listing = cache.listingsOf(key).get(key, k -> jdbi.withHandle(h -> store.listing(h, k, Listing.DEPTH)));
        long[] ids = listing.page(paging.limit(), paging.offset());
        if (ids == null) {
            ids = jdbi.withHandle(h -> store.page(h, key, paging.limit(), paging.offset()));
        }
        return new ArticlePage(views(ids, viewer), listing.total());
    }

    /** The list form (no body) of each article of {@code ids} that still exists, in that order. */
    private List<Article> views(long[] ids, Long viewer) {
        return views(ids, viewer, k -> null);
    }

    /** The same, the article at {@code ids[k]} with {@code snippets.apply(k)} (null: none). */
    private List<Article> views(long[] ids, Long viewer, IntFunction<JsonText> snippets) {
        if (ids.length == 0) {
            return List.of();
        }
        var summaries = cache.summaries.getAll(LongStream.of(ids).boxed().toList(),
                missing -> jdbi.withHandle(h -> store.summaries(h, missing)));
        var authors = profiles.viewedBy(
                summaries.values().stream().map(Summary::authorId).collect(Collectors.toSet()), viewer);
        Set<Long> favorited = favoritedBy(viewer);
        var views = new ArrayList<Article>(ids.length);
        for (int k = 0; k < ids.length; k++) {
            var summary = summaries.get(ids[k]);
            var author = summary == null ? null : authors.get(summary.authorId());
            if (author != null) {
                views.add(summary.as(null, snippets.apply(k), favorited.contains(ids[k]), author));
            }
        }
        return views;
    }

    /** The whole article. */
    private Article view(long id, Long viewer) {
        var summary = summary(id);
        var body = cache.bodies.get(id, key -> jdbi.withHandle(h -> store.body(h, key)).orElse(null));
        var author = summary == null ? Optional.<Profile>empty() : profiles.find(summary.authorId(), viewer);
        if (body == null || author.isEmpty()) {
            throw notFound();
        }
        return summary.as(body, null, favoritedBy(viewer).contains(id), author.get());
    }

    /** The article's summary, null when there is no such article (any more). */
    private Summary summary(long id) {
        return cache.summaries.get(id, key -> jdbi.withHandle(h -> store.summaries(h, List.of(key))).get(key));
    }

    private Set<Long> favoritedBy(Long viewer) {
        return viewer == null ? Set.of()
                : cache.favorites.get(viewer, id -> jdbi.withHandle(h -> store.favoritedBy(h, id)));
    }

    private ArticleStore.Ref ownedRef(Handle h, String slug, long callerId) {
        var ref = store.lockedRef(h, slug).orElseThrow(Articles::notFound);
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
