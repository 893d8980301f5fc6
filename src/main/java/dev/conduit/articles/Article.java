package dev.conduit.articles;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import dev.conduit.platform.json.JsonText;
import dev.conduit.platform.json.WritesJson;
import dev.conduit.profiles.Profile;
import java.io.IOException;

/**
 * An article as a viewer sees it: its stored fields as rendered when they were read ({@link Summary}), its body
 * (null in lists, as the API's v2 list shape requires; single-article answers always carry it), in search results
 * a snippet of the body where the words matched (null elsewhere), and what depends on the viewer or changes with
 * every favorite, written per answer.
 */
public record Article(JsonText summary, JsonText body, JsonText snippet, boolean favorited, int favoritesCount,
                      Profile author) implements WritesJson {
    private static final JsonText FAVORITED = JsonText.of(",\"favorited\":true,\"favoritesCount\":");
    private static final JsonText NOT_FAVORITED = JsonText.of(",\"favorited\":false,\"favoritesCount\":");

    /** A body as the member this answer writes: {@code ,"body":"..."}. */
    static JsonText bodyMember(String body) {
        return JsonText.members("body", body);
    }

    @Override
    public void serialize(JsonGenerator gen, SerializerProvider serializers) throws IOException {
        summary.startValue(gen);
        if (body != null) {
            body.append(gen);
        }
        if (snippet != null) {
            snippet.append(gen);
        }
        (favorited ? FAVORITED : NOT_FAVORITED).append(gen);
        gen.writeRaw(Integer.toString(favoritesCount));
        author.appendAsAuthor(gen);
        gen.writeRaw('}');
    }
}
