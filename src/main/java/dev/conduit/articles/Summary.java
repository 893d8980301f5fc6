package dev.conduit.articles;

import dev.conduit.platform.json.JsonText;
import dev.conduit.profiles.Profile;

/**
 * An article as stored, without its body and without anything that depends on who looks at it.
 *
 * @param json slug, title, description, tagList, createdAt and updatedAt: an open JSON object
 */
record Summary(long id, long authorId, int favoritesCount, JsonText json) {
    Article as(JsonText body, JsonText snippet, boolean favorited, Profile author) {
        return new Article(json, body, snippet, favorited, favoritesCount, author);
    }

    Summary withFavoritesCount(int count) {
        return new Summary(id, authorId, count, json);
    }

    int weight() {
        return 64 + json.bytes();
    }
}
