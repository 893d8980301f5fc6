package dev.conduit.profiles;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import dev.conduit.platform.json.JsonText;
import dev.conduit.platform.json.WritesJson;
import java.io.IOException;

/**
 * A user as others see them: the account's card (username, bio, image), rendered once when it was read, and
 * {@code following} from the viewer's side (false for anonymous viewers).
 */
public record Profile(JsonText card, boolean following) implements WritesJson {
    private static final JsonText AUTHOR = JsonText.of(",\"author\":");
    private static final JsonText FOLLOWING = JsonText.of(",\"following\":true}");
    private static final JsonText NOT_FOLLOWING = JsonText.of(",\"following\":false}");

    @Override
    public void serialize(JsonGenerator gen, SerializerProvider serializers) throws IOException {
        card.startValue(gen);
        closeWithFollowing(gen);
    }

    /** Writes {@code ,"author":{...}} into the open object being written: an article's or a comment's. */
    public void appendAsAuthor(JsonGenerator gen) throws IOException {
        AUTHOR.append(gen);
        card.append(gen);
        closeWithFollowing(gen);
    }

    private void closeWithFollowing(JsonGenerator gen) throws IOException {
        (following ? FOLLOWING : NOT_FOLLOWING).append(gen);
    }
}
