package dev.conduit.articles;

import dev.conduit.profiles.Profile;
import java.time.Instant;
import java.util.List;

/** An article as stored, without its body and without anything that depends on who looks at it. */
record Summary(long id, String slug, String title, String description, long authorId, List<String> tagList,
               Instant createdAt, Instant updatedAt, int favoritesCount) {
    Article as(String body, boolean favorited, Profile author) {
        return new Article(slug, title, description, body, tagList, createdAt, updatedAt, favorited, favoritesCount,
                author);
    }

    int weight() {
        int tags = 0;
        for (String tag : tagList) {
            tags += 48 + tag.length();
        }
        return 200 + slug.length() + title.length() + description.length() + tags;
    }
}
