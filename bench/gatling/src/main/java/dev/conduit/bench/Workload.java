package dev.conduit.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** bench/scenarios.json and the seeder's manifest; draws iterations the way bench/lua/scenario.lua does. */
final class Workload {
    /** One request, ready to send; {@code token} is null for an anonymous one; a web page's path is a whole URL. */
    record Request(String method, String path, String body, String token) {}

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode scenarios;
    private final JsonNode users;
    private final List<String> slugs = new ArrayList<>();
    private final List<String> tags = new ArrayList<>();
    private final List<String> texts = new ArrayList<>();
    private final List<String> offsets = new ArrayList<>();
    private final List<String> searches = new ArrayList<>();
    private final List<String> longSlugs = new ArrayList<>();
    /** Where the web pages are: the API's base URL without its /api. */
    private final String site;

    Workload(Path scenariosFile, Path manifestFile, String apiUrl) throws IOException {
        site = apiUrl.replaceFirst("/api$", "");
        JsonNode file = JSON.readTree(scenariosFile.toFile());
        JsonNode manifest = JSON.readTree(manifestFile.toFile());
        scenarios = file.get("scenarios");
        users = manifest.get("users");
        manifest.get("slugs").forEach(n -> slugs.add(n.asText()));
        manifest.get("tags").forEach(n -> tags.add(n.asText()));
        manifest.get("texts").forEach(n -> texts.add(n.asText()));
        manifest.get("long_slugs").forEach(n -> longSlugs.add(n.asText()));
        file.get("vars").get("offsets").forEach(n -> offsets.add(n.asText()));
        file.get("vars").get("searches").forEach(n -> searches.add(n.asText()));
    }

    List<Request> draw(String name) {
        var random = ThreadLocalRandom.current();
        JsonNode scenario = scenarios.get(name);
        if (scenario.has("mix")) {
            double total = 0;
            for (JsonNode w : scenario.get("mix")) total += w.asDouble();
            double r = random.nextDouble() * total;
            String last = null;
            for (var e : scenario.get("mix").properties()) {
                last = e.getKey();
                r -= e.getValue().asDouble();
                if (r <= 0) break;
            }
            return draw(last);
        }
        JsonNode user = users.get(random.nextInt(users.size()));
        Map<String, String> vars = Map.of(
                "offset", pick(offsets), "search", pick(searches), "slug", pick(slugs), "long_slug", pick(longSlugs), "tag", pick(tags),
                "text", pick(texts),
                "email", user.get("email").asText(), "password", user.get("password").asText(),
                "title", "Bench article " + System.currentTimeMillis() + "-" + COUNTER.incrementAndGet() + "-"
                        + random.nextInt(1_000_000_000));
        List<Request> out = new ArrayList<>();
        for (JsonNode r : scenario.get("requests")) {
            String body = r.has("body") ? fill(r.get("body").toString(), vars) : null;
            String token = r.path("auth").asBoolean() ? user.get("token").asText() : null;
            String path = fill(r.get("path").asText(), vars);
            out.add(new Request(r.get("method").asText(), r.path("site").asBoolean() ? site + path : path, body, token));
        }
        return out;
    }

    private static String pick(List<String> list) {
        return list.get(ThreadLocalRandom.current().nextInt(list.size()));
    }

    private static String fill(String template, Map<String, String> vars) {
        Matcher m = PLACEHOLDER.matcher(template);
        return m.replaceAll(r -> Matcher.quoteReplacement(vars.getOrDefault(r.group(1), r.group())));
    }
}
