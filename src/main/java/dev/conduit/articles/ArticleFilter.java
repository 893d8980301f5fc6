package dev.conduit.articles;

import java.util.Optional;

/** The optional filters of {@code GET /articles}; empty means "any". */
public record ArticleFilter(Optional<String> tag, Optional<String> author, Optional<String> favoritedBy) {
}
