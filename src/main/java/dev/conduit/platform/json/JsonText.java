package dev.conduit.platform.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A piece of JSON rendered once and copied as UTF-8 bytes into every answer that shows it: the part of a cached
 * row that is the same for every viewer. A list page then writes twenty articles mostly by copying bytes, and
 * only what depends on the viewer (favorited, following) is written per request, around these pieces.
 */
public final class JsonText {
    private final SerializedString text;

    private JsonText(String text) {
        this.text = new SerializedString(text);
        this.text.asUnquotedUTF8(); // encoded now, while loading, not by the first answer that copies it
    }

    /**
     * An object left open, {@code {"a":1,"b":"x"}} without its closing brace, for an answer to add members
     * and close it. {@code namesAndValues}: name, value, name, value...
     */
    public static JsonText openObject(Object... namesAndValues) {
        String json = render(namesAndValues);
        return new JsonText(json.substring(0, json.length() - 1));
    }

    /** JSON text as written: the constant parts an answer writes between rendered pieces. */
    public static JsonText of(String json) {
        return new JsonText(json);
    }

    /** Members to add to an open object: {@code ,"a":1,"b":"x"}. */
    public static JsonText members(Object... namesAndValues) {
        String json = render(namesAndValues);
        return new JsonText("," + json.substring(1, json.length() - 1));
    }

    /** Writes this open object as the next value: after a field name, or as an array's next element. */
    public void startValue(JsonGenerator gen) throws IOException {
        gen.writeRawValue(text);
    }

    /** Writes this text as it is, where the value being written has got to. */
    public void append(JsonGenerator gen) throws IOException {
        gen.writeRaw(text);
    }

    /** The memory it holds, for cache weights: the text, and its UTF-8 encoding beside it. */
    public int bytes() {
        return text.getValue().length() + text.asUnquotedUTF8().length;
    }

    @Override
    public String toString() {
        return text.getValue();
    }

    private static String render(Object[] namesAndValues) {
        if (namesAndValues.length == 0 || namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values come in pairs");
        }
        var members = new LinkedHashMap<String, Object>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            members.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return write(members);
    }

    private static String write(Map<String, Object> members) {
        try {
            return Jackson.MAPPER.writeValueAsString(members);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
