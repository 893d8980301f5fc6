package dev.conduit.web;

import dev.conduit.articles.ArticleChange;
import dev.conduit.articles.FavoriteChange;
import dev.conduit.comments.CommentAdded;
import dev.conduit.comments.CommentDeleted;
import dev.conduit.platform.cache.Cached;
import dev.conduit.platform.cache.ChangeFeed;
import dev.conduit.users.AccountChanged;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The pages every anonymous visitor sees alike (home, articles, profiles: those with an entity tag), kept as
 * rendered. Rendering is most of a page's CPU and of what it allocates, and most readers of a publishing site are
 * not signed in.
 *
 * <p>A change drops the pages that show it, and only those, so that a site with steady writes keeps its article
 * pages (they are most of what is kept): a comment drops its article's page; a favorite its article's page and
 * the lists (they show counts); an article written, edited or deleted its own page and the lists; an account's
 * name or picture everything (it may show on any page). They are rendered again from the logic's caches, which
 * heard of the same change first. Written after the change committed, a drop never leaves a page rendered before
 * it ({@link Cached}).
 */
final class SharedPages {
    /**
     * Origins (as {@code Host} named them) whose article pages are kept: a change drops its article's page in each.
     * Bounded, so that requests naming many hosts cannot make each change's pass long; pages of other origins are
     * rendered every time.
     */
    private static final int MAX_ORIGINS = 16;

    private record ArticleKey(long articleId, String origin) {
    }

    private final Cached<ArticleKey, byte[]> articlePages;
    /** The other pages, listing articles: home, tags, search, profiles. Few, and dropped together. */
    private final Cached<String, byte[]> listPages;
    private final Set<String> origins = ConcurrentHashMap.newKeySet();

    SharedPages(ChangeFeed feed, long articleBytes, long listBytes) {
        this.articlePages = Cached.weighing("web.article_pages", articleBytes,
                (key, html) -> 64 + 2 * key.origin().length() + html.length);
        this.listPages = Cached.weighing("web.list_pages", listBytes,
                (key, html) -> 64 + 2 * key.length() + html.length);
        feed.subscribe(CommentAdded.class, c -> dropArticle(c.articleId()));
        feed.subscribe(CommentDeleted.class, c -> dropArticle(c.articleId()));
        feed.subscribe(FavoriteChange.class, c -> {
            dropArticle(c.articleId());
            listPages.invalidateAll();
        });
        feed.subscribe(ArticleChange.class, c -> {
            dropArticle(c.id());
            listPages.invalidateAll();
        });
        feed.subscribe(AccountChanged.class, c -> {
            articlePages.invalidateAll();
            listPages.invalidateAll();
        });
    }

    /** Article {@code articleId}'s page as {@code origin} links it, rendered by {@code render} when not kept. */
    byte[] article(long articleId, String origin, Supplier<byte[]> render) {
        if (!origins.contains(origin)) {
            if (origins.size() >= MAX_ORIGINS) {
                return render.get();
            }
            // before the page's load begins: a change that misses it in its pass began first, and the load reads after
            origins.add(origin);
        }
        return articlePages.get(new ArticleKey(articleId, origin), k -> render.get());
    }

    /** The list page kept for {@code key} (its origin, path and query), rendered by {@code render} when not kept. */
    byte[] list(String key, Supplier<byte[]> render) {
        return listPages.get(key, k -> render.get());
    }

    private void dropArticle(long articleId) {
        for (var origin : origins) {
            articlePages.invalidate(new ArticleKey(articleId, origin));
        }
    }

    List<Cached<?, ?>> caches() {
        return List.of(articlePages, listPages);
    }
}
