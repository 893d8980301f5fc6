package dev.conduit.web;

import dev.conduit.articles.ArticleChange;
import dev.conduit.articles.FavoriteChange;
import dev.conduit.comments.CommentAdded;
import dev.conduit.comments.CommentDeleted;
import dev.conduit.platform.cache.Cached;
import dev.conduit.platform.cache.ChangeFeed;
import dev.conduit.users.AccountChanged;
import java.util.List;
import java.util.function.Supplier;

/**
 * The pages every anonymous visitor sees alike (home, articles, profiles: those with an entity tag), kept as
 * rendered. Rendering is most of a page's CPU and of what it allocates, and most readers of a publishing site are
 * not signed in. Any change a page can show (an article written, edited or deleted, a favorite, a comment, an
 * account's name or picture) drops them all: they are rendered again from the logic's caches, which heard of the
 * same change first. Written after the change committed, it never leaves a page rendered before it ({@link Cached}).
 */
final class SharedPages {
    private final Cached<String, byte[]> pages;

    SharedPages(ChangeFeed feed, long maxBytes) {
        this.pages = Cached.weighing("web.shared_pages", maxBytes, (key, html) -> 64 + 2 * key.length() + html.length);
        for (var change : List.of(ArticleChange.class, FavoriteChange.class, CommentAdded.class, CommentDeleted.class,
                AccountChanged.class)) {
            feed.subscribe(change, c -> pages.invalidateAll());
        }
    }

    /** The page kept for {@code key} (its origin, path and query), rendered by {@code render} when there is none. */
    byte[] get(String key, Supplier<byte[]> render) {
        return pages.get(key, k -> render.get());
    }

    List<Cached<?, ?>> caches() {
        return List.of(pages);
    }
}
