package dev.conduit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * The operations an OpenAPI 3 document describes, every {@code $ref} in them resolved: what {@link FuzzTest} sends
 * requests to, and the shapes it holds the answers to.
 */
final class OpenApi {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private OpenApi() {
    }

    /** A path, query or header parameter, with the values the document gives as examples or default. */
    record Parameter(String name, String in, JsonNode schema, List<String> examples) {
    }

    /**
     * One method on one path. {@code prefix} is its server's path ("/api", or "" at the root); {@code body} is the
     * request body's JSON schema (missing when it takes none); {@code responses} maps each documented status to the
     * JSON schema of its body (missing when it has no JSON body).
     */
    record Operation(String id, String method, String prefix, String template, List<Parameter> parameters,
                     JsonNode body, boolean secured, Map<Integer, JsonNode> responses) {
        List<Parameter> parameters(String in) {
            return parameters.stream().filter(p -> p.in().equals(in)).toList();
        }

        @Override
        public String toString() {
            return method + " " + prefix + template;
        }
    }

    static JsonNode load(String resource) {
        try (var in = OpenApi.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath");
            }
            return YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The operations served on this server's port (those of a server with an absolute URL are another's). */
    static List<Operation> operations(JsonNode document) {
        JsonNode doc = resolve(document, document, 0);
        var operations = new ArrayList<Operation>();
        doc.path("paths").properties().forEach(path -> {
            JsonNode item = path.getValue();
            String server = item.path("servers").path(0).path("url").asText(doc.at("/servers/0/url").asText("/"));
            if (URI.create(server).isAbsolute()) {
                return;
            }
            String prefix = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
            item.properties().forEach(entry -> {
                if (!METHODS.contains(entry.getKey())) {
                    return;
                }
                JsonNode op = entry.getValue();
                var parameters = new LinkedHashMap<String, Parameter>();
                for (JsonNode p : concat(item.path("parameters"), op.path("parameters"))) {
                    parameters.put(p.path("in").asText() + " " + p.path("name").asText(), parameter(p));
                }
                var responses = new LinkedHashMap<Integer, JsonNode>();
                op.path("responses").properties().forEach(r -> {
                    if (r.getKey().matches("\\d{3}")) {
                        responses.put(Integer.parseInt(r.getKey()), jsonSchema(r.getValue()));
                    }
                });
                JsonNode security = op.has("security") ? op.get("security") : doc.path("security");
                boolean secured = !security.isEmpty()
                        && StreamSupport.stream(security.spliterator(), false).noneMatch(JsonNode::isEmpty);
                operations.add(new Operation(op.path("operationId").asText(entry.getKey() + " " + path.getKey()),
                        entry.getKey().toUpperCase(Locale.ROOT), prefix, path.getKey(),
                        List.copyOf(parameters.values()), jsonSchema(op.path("requestBody")), secured, responses));
            });
        });
        return operations;
    }

    /**
     * Where {@code value} breaks {@code schema} (types, required properties, enums, date-times; recursively), as
     * JSON pointers with the reason; empty when it conforms.
     */
    static List<String> mismatches(JsonNode schema, JsonNode value) {
        var problems = new ArrayList<String>();
        check(schema, value, "", problems);
        return problems;
    }

    private static void check(JsonNode schema, JsonNode value, String at, List<String> problems) {
        JsonNode type = schema.path("type");
        List<String> types = type.isArray()
                ? StreamSupport.stream(type.spliterator(), false).map(JsonNode::asText).toList()
                : type.isTextual() ? List.of(type.asText()) : List.of();
        if (!types.isEmpty() && types.stream().noneMatch(t -> hasType(value, t))) {
            problems.add(at + ": " + value.getNodeType() + " where the document says " + types);
            return;
        }
        if (schema.has("enum") && StreamSupport.stream(schema.get("enum").spliterator(), false)
                .noneMatch(value::equals)) {
            problems.add(at + ": " + value + " is none of " + schema.get("enum"));
        }
        if (value.isTextual() && schema.path("format").asText().equals("date-time")) {
            try {
                OffsetDateTime.parse(value.asText());
            } catch (DateTimeParseException e) {
                problems.add(at + ": " + value + " is no date-time");
            }
        }
        if (value.isObject()) {
            for (JsonNode name : schema.path("required")) {
                if (!value.has(name.asText())) {
                    problems.add(at + "/" + name.asText() + ": missing");
                }
            }
            value.properties().forEach(field -> {
                JsonNode property = schema.path("properties").path(field.getKey());
                JsonNode fieldSchema = property.isMissingNode() ? schema.path("additionalProperties") : property;
                if (fieldSchema.isObject()) {
                    check(fieldSchema, field.getValue(), at + "/" + field.getKey(), problems);
                }
            });
        }
        if (value.isArray() && schema.path("items").isObject()) {
            for (int i = 0; i < value.size(); i++) {
                check(schema.get("items"), value.get(i), at + "/" + i, problems);
            }
        }
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "null" -> value.isNull();
            case "boolean" -> value.isBoolean();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "string" -> value.isTextual();
            case "array" -> value.isArray();
            case "object" -> value.isObject();
            default -> true;
        };
    }

    private static Parameter parameter(JsonNode p) {
        var examples = new ArrayList<String>();
        for (JsonNode example : List.of(p.path("example"), p.path("schema").path("example"),
                p.path("schema").path("default"))) {
            if (example.isValueNode()) {
                examples.add(example.asText());
            }
        }
        p.path("examples").forEach(example -> examples.add(example.path("value").asText()));
        return new Parameter(p.path("name").asText(), p.path("in").asText(), p.path("schema"), examples);
    }

    /** The schema of a request body's or a response's JSON content; missing when it has none. */
    private static JsonNode jsonSchema(JsonNode bodyOrResponse) {
        JsonNode content = bodyOrResponse.path("content");
        for (var media : content.properties()) {
            if (media.getKey().startsWith("application/json")) {
                return media.getValue().path("schema");
            }
        }
        return MissingNode.getInstance();
    }

    private static List<JsonNode> concat(JsonNode first, JsonNode second) {
        var all = new ArrayList<JsonNode>();
        first.forEach(all::add);
        second.forEach(all::add);
        return all;
    }

    /** A copy of {@code node} with every local {@code $ref} replaced by what it points to. */
    private static JsonNode resolve(JsonNode root, JsonNode node, int depth) {
        if (depth > 64) {
            throw new IllegalStateException("$ref nesting too deep (a cycle?) at " + node);
        }
        if (node.isObject() && node.has("$ref")) {
            String ref = node.get("$ref").asText();
            if (!ref.startsWith("#")) {
                throw new IllegalStateException("only local $refs are resolved: " + ref);
            }
            JsonNode target = root.at(ref.substring(1));
            if (target.isMissingNode()) {
                throw new IllegalStateException("$ref to nothing: " + ref);
            }
            return resolve(root, target, depth + 1);
        }
        if (node.isObject()) {
            ObjectNode copy = YAML.createObjectNode();
            node.properties().forEach(field -> copy.set(field.getKey(), resolve(root, field.getValue(), depth + 1)));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = YAML.createArrayNode();
            node.forEach(item -> copy.add(resolve(root, item, depth + 1)));
            return copy;
        }
        return node;
    }
}
