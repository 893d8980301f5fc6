package dev.conduit.platform.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A piece of JSON rendered once and copied as UTF-8 bytes into every answer that shows it: the part of a cached
 * row that is the same for every viewer. A list page then writes twenty articles mostly by copying bytes, and
 * only what depends on the viewer (favorited, following) is written per request, around these pieces.
 *
 * <p>Only the UTF-8 bytes are kept: the caches hold these by the ten thousand, and Jackson's own
 * {@link SerializedString} would keep the text as a {@code String} beside its bytes, twice the memory.
 */
public final class JsonText {
    private final Utf8 text;

    private JsonText(String text) {
        this.text = new Utf8(text.getBytes(StandardCharsets.UTF_8));
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

    /** The memory it holds, for cache weights: its UTF-8 bytes. */
    public int bytes() {
        return text.utf8.length;
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

    /**
     * Raw JSON as Jackson's raw writes take it. A byte-oriented generator (every answer) only copies
     * {@link #appendUnquotedUTF8} or {@link #asUnquotedUTF8}; the rest decodes, for generators that write chars.
     * "Quoted" means escaped as the contents of a JSON string, which raw JSON is never written as here; those
     * methods still answer correctly, through Jackson's own implementation.
     */
    private record Utf8(byte[] utf8) implements SerializableString {
        @Override
        public String getValue() {
            return new String(utf8, StandardCharsets.UTF_8);
        }

        @Override
        public int charLength() {
            return getValue().length();
        }

        @Override
        public byte[] asUnquotedUTF8() {
            return utf8;
        }

        @Override
        public int appendUnquotedUTF8(byte[] buffer, int offset) {
            if (offset + utf8.length > buffer.length) {
                return -1;
            }
            System.arraycopy(utf8, 0, buffer, offset, utf8.length);
            return utf8.length;
        }

        @Override
        public int writeUnquotedUTF8(OutputStream out) throws IOException {
            out.write(utf8);
            return utf8.length;
        }

        @Override
        public int putUnquotedUTF8(ByteBuffer out) {
            if (out.remaining() < utf8.length) {
                return -1;
            }
            out.put(utf8);
            return utf8.length;
        }

        @Override
        public int appendUnquoted(char[] buffer, int offset) {
            return decoded().appendUnquoted(buffer, offset);
        }

        @Override
        public char[] asQuotedChars() {
            return decoded().asQuotedChars();
        }

        @Override
        public byte[] asQuotedUTF8() {
            return decoded().asQuotedUTF8();
        }

        @Override
        public int appendQuotedUTF8(byte[] buffer, int offset) {
            return decoded().appendQuotedUTF8(buffer, offset);
        }

        @Override
        public int appendQuoted(char[] buffer, int offset) {
            return decoded().appendQuoted(buffer, offset);
        }

        @Override
        public int writeQuotedUTF8(OutputStream out) throws IOException {
            return decoded().writeQuotedUTF8(out);
        }

        @Override
        public int putQuotedUTF8(ByteBuffer buffer) throws IOException {
            return decoded().putQuotedUTF8(buffer);
        }

        private SerializedString decoded() {
            return new SerializedString(getValue());
        }
    }
}
