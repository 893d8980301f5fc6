package dev.conduit.articles;

import java.util.List;

/** One page of a list; {@code articlesCount} is the total that match, not the page size. */
public record ArticlePage(List<Article> articles, long articlesCount) {
    static ArticlePage empty() {
        return new ArticlePage(List.of(), 0);
    }
}
