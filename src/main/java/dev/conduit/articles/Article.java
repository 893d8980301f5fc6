package dev.conduit.articles;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.conduit.profiles.Profile;
import java.time.Instant;
import java.util.List;

/**
 * An article as a viewer sees it. Lists leave {@code body} out (null, so it is not serialized), as the API's
 * v2 list shape requires; single-article answers always carry it.
 */
public record Article(
        String slug,
        String title,
        String description,
        @JsonInclude(JsonInclude.Include.NON_NULL) String body,
        List<String> tagList,
        Instant createdAt,
        Instant updatedAt,
        boolean favorited,
        int favoritesCount,
        Profile author) {
}
