package dev.conduit.platform.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conduit.platform.domain.Failure;
import io.helidon.webserver.http.ServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The fields inside a request's wrapper object ({@code {"user": {...}}}), read with type checks: a value of the
 * wrong JSON type is a 422 naming the field, never a 500. Absent and {@code null} stay distinguishable for
 * partial updates ({@link #has}).
 */
public final class JsonBody {
    private final JsonNode fields;

    private JsonBody(JsonNode fields) {
        this.fields = fields;
    }

    public static JsonBody read(ServerRequest req, String wrapper) {
        return parse(content(req), wrapper);
    }

    /** The request's body as sent; empty when it has none. */
    static byte[] content(ServerRequest req) {
        return req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
    }

    /** The fields inside {@code wrapper} of a body already read ({@link #content}). */
    static JsonBody parse(byte[] content, String wrapper) {
        JsonNode root = Json.parse(content);
        if (root == null || root.isNull()) {
            throw new Failure.Invalid(wrapper, "is missing");
        }
        if (!root.isObject()) {
            throw new Failure.Invalid("body", "must be a JSON object with a \"" + wrapper + "\" field");
        }
        JsonNode inner = root.get(wrapper);
        if (inner == null || inner.isNull()) {
            throw new Failure.Invalid(wrapper, "is missing");
        }
        if (!inner.isObject()) {
            throw new Failure.Invalid(wrapper, "must be an object");
        }
        return new JsonBody(inner);
    }

    /** Present, even if {@code null}. */
    public boolean has(String name) {
        return fields.has(name);
    }

    /** The string value, or null when absent or JSON null. */
    public String text(String name) {
        JsonNode node = sent(name, JsonNode::isTextual, "must be a string");
        return node == null ? null : StorableText.check(name, node.textValue());
    }

    /**
     * A field that may be left out but, if sent, must be a non-null string: JSON null reads as "" so that
     * validation reports it as blank.
     */
    public String textUnlessOmitted(String name) {
        String value = text(name);
        return value == null && has(name) ? "" : value;
    }

    /** The object {@code name}'s fields; empty when absent or JSON null. */
    public Optional<JsonBody> object(String name) {
        return Optional.ofNullable(sent(name, JsonNode::isObject, "must be an object")).map(JsonBody::new);
    }

    /** The boolean value, or null when absent or JSON null. */
    public Boolean flag(String name) {
        JsonNode node = sent(name, JsonNode::isBoolean, "must be true or false");
        return node == null ? null : node.booleanValue();
    }

    /** The list of strings, or null when absent or JSON null. */
    public List<String> textList(String name) {
        JsonNode node = sent(name, JsonNode::isArray, "must be an array of strings");
        if (node == null) {
            return null;
        }
        var values = new ArrayList<String>(node.size());
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw new Failure.Invalid(name, "must be an array of strings");
            }
            values.add(StorableText.check(name, item.textValue()));
        }
        return values;
    }

    /** Field {@code name}'s value, null when absent or JSON null; one of another type is refused ({@code mustBe}). */
    private JsonNode sent(String name, Predicate<JsonNode> ofType, String mustBe) {
        JsonNode node = fields.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!ofType.test(node)) {
            throw new Failure.Invalid(name, mustBe);
        }
        return node;
    }
}
