package dev.conduit.comments;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import dev.conduit.platform.json.JsonText;
import dev.conduit.platform.json.WritesJson;
import dev.conduit.profiles.Profile;
import java.io.IOException;

/** A comment: its stored fields (id, createdAt, updatedAt, body) as rendered when read, and its author. */
public record Comment(JsonText json, Profile author) implements WritesJson {
    @Override
    public void serialize(JsonGenerator gen, SerializerProvider serializers) throws IOException {
        json.startValue(gen);
        author.appendAsAuthor(gen);
        gen.writeRaw('}');
    }
}
