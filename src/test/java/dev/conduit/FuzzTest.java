package dev.conduit;

import static dev.conduit.Fuzz.choice;
import static dev.conduit.Fuzz.drawn;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.conduit.Fuzz.Choice;
import dev.conduit.OpenApi.Operation;
import dev.conduit.OpenApi.Parameter;
import dev.conduit.RawHttp.Reply;
import dev.conduit.platform.security.Tokens;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing of every operation the API description names (openapi.yml, read from the classpath, so an operation
 * added to it is fuzzed with no change here). Each try sends a list of calls: bodies generated from the request
 * schemas (lengths around the limits, odd Unicode, control characters), then mutated (wrong types, missing and extra
 * fields, broken JSON and UTF-8, duplicated keys, deep nesting, wrong content types), with odd path and query
 * values, as a signed-in user, another user, nobody, or with a bad token. Sent over raw sockets, so that malformed
 * request targets reach the server as they are.
 *
 * <p>Every answer: no 5xx, no stack trace, errors as {@code {"errors": {field: [messages]}}}, a 2xx in the shape
 * the document gives; no 2xx for a secured operation without a valid token, nor for changing what another user
 * owns; a refused or read-only request changes no row. After each try: no orphan rows, counters equal their rows,
 * and the API shows what the rows hold for every article, profile and list the try touched.
 *
 * <p>Plain JUnit and {@link Fuzz}: {@value #DEFAULT_TRIES} tries of seed {@value #DEFAULT_SEED} by default;
 * {@code -Dfuzz.tries=N -Dfuzz.seed=S} (a number, or {@code random}) runs more, {@code -Dfuzz.try=N} try N alone,
 * since each try draws from a random of its own. Nothing shrinks a failing try: the request its failure prints (and
 * writes to target/fuzz-failures) is the reproduction we keep. A try alone meets the accounts as the run's earlier
 * tries left them (a name or bio changed), which the printed request does not depend on.
 */
class FuzzTest {
    private static final int DEFAULT_TRIES = 60;
    private static final String DEFAULT_SEED = "20261204";
    private static final int MIN_CALLS_PER_TRY = 10;
    private static final int MAX_CALLS_PER_TRY = 30;

    private static final List<Operation> OPERATIONS = OpenApi.operations(OpenApi.load("openapi.yml"));
    private static final Set<String> PATH_NAMES = OPERATIONS.stream()
            .flatMap(op -> op.parameters("path").stream()).map(Parameter::name).collect(Collectors.toSet());
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
    /** What a path ending in this parameter names is owned by its author: only they may change or delete it. */
    private static final Map<String, String> OWNER_QUERIES = Map.of(
            "slug", "select author_id from articles where slug = ?",
            "id", "select author_id from comments where id = cast(? as bigint)");
    /** The references between rows (the migrations' foreign keys), as table.column > table. */
    private static final List<String> REFERENCES = List.of("comments.article_id > articles",
            "comments.author_id > users", "articles.author_id > users", "favorites.user_id > users",
            "favorites.article_id > articles", "follows.follower_id > users", "follows.followed_id > users",
            "article_tags.article_id > articles");
    private static final Pattern STACK_TRACE = Pattern.compile(
            "\\bat [\\w$.]+\\(|Exception|java\\.|dev\\.conduit|org\\.(jdbi|postgresql|flywaydb)|io\\.helidon"
                    + "|com\\.fasterxml|SQLState|Caused by");
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");
    private static final Pattern LAST_PATH_PARAMETER = Pattern.compile("\\{([^}]+)}$");

    /** Floats read as BigDecimal, so that 1e400 stays a number instead of becoming Infinity. */
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    private static final ObjectMapper ASCII_JSON = JsonMapper.builder()
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private static World world;

    private Handle db;
    private State state;
    /** What the run sent: calls per operation, answers per status. */
    private final Map<String, Integer> calledOperations = new TreeMap<>();
    private final Map<Integer, Integer> statuses = new TreeMap<>();

    @Test
    void everyOperationAnswersCleanlyAndKeepsTheRowsConsistent() {
        String seedProperty = System.getProperty("fuzz.seed", DEFAULT_SEED);
        long seed = seedProperty.equals("random") ? new SplittableRandom().nextLong(1, Long.MAX_VALUE)
                : Long.parseLong(seedProperty);
        String single = System.getProperty("fuzz.try");
        int tries = Integer.getInteger("fuzz.tries", DEFAULT_TRIES);
        try (Handle handle = TestServer.database().open()) {
            db = handle;
            if (single != null) {
                runTry(seed, Integer.parseInt(single));
            } else {
                for (int number = 1; number <= tries; number++) {
                    runTry(seed, number);
                }
            }
        } finally {
            System.out.printf("FuzzTest: seed %d, %s, %d requests, statuses %s%n", seed,
                    single != null ? "try " + single : tries + " tries",
                    statuses.values().stream().mapToInt(Integer::intValue).sum(), statuses);
        }
        if (single == null) {
            assertThat(OPERATIONS.stream().map(Operation::id).filter(id -> !calledOperations.containsKey(id)))
                    .as("operations no try called (seed " + seed + ", " + tries + " tries)").isEmpty();
        }
    }

    /** One try: articles of its own, the calls its random draws, each answer checked, then the rows. */
    private void runTry(long seed, int number) {
        List<Call> calls = calls(Fuzz.forTry(seed, number));
        var sent = new ArrayList<Exchange>();
        int verified = 0;
        try {
            seedTheWorld();
            for (Call call : calls) {
                var exchange = send(call);
                sent.add(exchange);
                calledOperations.merge(call.op().id(), 1, Integer::sum);
                statuses.merge(exchange.reply().status(), 1, Integer::sum);
                verify(exchange);
                verified++;
                if (exchange.reply().status() / 100 == 2) {
                    state.learn(exchange.known(), exchange.reply().json());
                    world().renewed(call, exchange.reply().json());
                }
            }
            assertRowsConsistent();
            assertApiAgreesWithRows();
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(failure(seed, number, calls.size(), sent, verified, e), e);
        }
    }

    /**
     * What failed, the requests to blame escaped (all of the try's when the checks after it failed), where their
     * exact bytes were written, and how to run the try again alone.
     */
    private static String failure(long seed, int number, int calls, List<Exchange> sent, int verified,
                                  Throwable cause) {
        boolean oneCall = verified < sent.size();
        var report = new StringBuilder("FuzzTest try ").append(number).append(" of seed ").append(seed)
                .append(oneCall ? " failed at call " + (verified + 1) + " of " + calls
                        : " failed after " + sent.size() + " of its " + calls + " calls")
                .append(": ").append(cause).append("\n\n");
        Path folder = Path.of("target", "fuzz-failures");
        for (int i = oneCall ? verified : 0; i < (oneCall ? verified + 1 : sent.size()); i++) {
            byte[] request = sent.get(i).request();
            Path file = folder.resolve("seed-%d-try-%d-call-%d.http".formatted(seed, number, i + 1));
            String written;
            try {
                Files.createDirectories(folder);
                Files.write(file, request);
                written = "byte for byte in " + file;
            } catch (IOException e) {
                written = "not written: " + e;
            }
            report.append("Request ").append(i + 1).append(" (escaped; ").append(written).append("):\n    ")
                    .append(RawHttp.escape(request, 4_000)).append("\n\n");
        }
        return report.append("Rerun this try alone: ./mvnw -o test -Dtest=FuzzTest -Dfuzz.seed=").append(seed)
                .append(" -Dfuzz.try=").append(number).toString();
    }

    /** Each try starts from articles of its own: Alice's and Bob's, each commented on by the other. */
    private void seedTheWorld() {
        state = new State();
        var w = world();
        String alices = seed(w, "/articles", Caller.ALICE, Map.of(), Api.wrap("article", "title",
                Api.unique("Alice seed"), "description", "d", "body", "b", "tagList", List.of("fuzz", "fuzz-alice")));
        String bobs = seed(w, "/articles", Caller.BOB, Map.of(), Api.wrap("article", "title",
                Api.unique("Bob seed"), "description", "d", "body", "b", "tagList", List.of("fuzz")));
        seed(w, "/articles/" + bobs + "/comments", Caller.ALICE, Map.of("slug", bobs),
                Api.wrap("comment", "body", "hi"));
        seed(w, "/articles/" + alices + "/comments", Caller.BOB, Map.of("slug", alices),
                Api.wrap("comment", "body", "yo"));
        seed(w, "/articles/" + alices + "/favorite", Caller.CAROL, Map.of("slug", alices), null);
        seed(w, "/profiles/" + username(Caller.BOB) + "/follow", Caller.ALICE, Map.of(), null);
    }

    private String seed(World w, String path, Caller caller, Map<String, String> sent, Object body) {
        var res = w.api().post(path, body, w.token(caller));
        assertThat(res.status()).as(path + ": " + res.body()).isBetween(200, 201);
        state.learn(sent, res.json());
        return res.text("/article/slug");
    }

    // ---- the answer to each call ----

    private void verify(Exchange e) {
        String what = e.describe();
        Reply reply = e.reply();
        Call call = e.call();
        int status = reply.status();
        assertThat(reply.failure()).as(what).isNull();
        assertThat(status).as(what).isBetween(100, 499);
        boolean json = reply.header("content-type").startsWith("application/json");
        // not in a 2xx: its body carries what users wrote, which may well name an exception
        if (status >= 300) {
            assertThat(reply.text()).as(what).doesNotContainPattern(STACK_TRACE);
        }
        if (status >= 400 && !call.method().equals("HEAD")) {
            assertThat(reply.header("content-type")).as(what).startsWith("application/json");
            assertErrorShape(reply.json(), what);
        }
        boolean success = status / 100 == 2;
        if (success && call.staysOnItsRoute()) {
            if (status == 204) {
                assertThat(reply.body()).as(what).isEmpty();
            }
            JsonNode schema = call.op().responses().get(status);
            if (schema != null && !schema.isMissingNode() && !call.method().equals("HEAD")) {
                assertThat(json).as(what).isTrue();
                assertThat(OpenApi.mismatches(schema, reply.json())).as(what).isEmpty();
            }
        }
        // what the HTTP layer refuses before routing (framing, a target too long) names "request", on any route;
        // any GET may answer a conditional request with 304
        if (call.staysOnItsRoute() && !reply.json().path("errors").has("request")
                && !(status == 304 && call.extras().conditional())) {
            assertThat(call.op().responses().keySet()).as("a status the document does not give: " + what)
                    .contains(status);
        }
        if (call.op().secured() && call.caller().isNobody() && call.staysOnItsRoute()) {
            assertThat(success).as("a secured operation succeeded without a valid token: " + what).isFalse();
        }
        if (success && e.owner().isPresent()) {
            assertThat(world().ids().get(call.caller())).as("changed what another user owns: " + what)
                    .isEqualTo(e.owner().get());
        }
        if (status >= 400 || SAFE_METHODS.contains(call.method().toUpperCase(Locale.ROOT))) {
            assertThat(e.rowsAfter()).as("a refused or read-only request changed rows: " + what)
                    .isEqualTo(e.rowsBefore());
        }
    }

    private static void assertErrorShape(JsonNode body, String what) {
        assertThat(body.isObject() && body.size() == 1 && body.path("errors").isObject()
                && !body.get("errors").isEmpty()).as("not {\"errors\": {...}}: " + what).isTrue();
        body.get("errors").properties().forEach(field -> {
            JsonNode messages = field.getValue();
            assertThat(messages.isArray() && !messages.isEmpty()).as(field.getKey() + " has no messages: " + what)
                    .isTrue();
            messages.forEach(m -> assertThat(m.isTextual()).as(field.getKey() + " holds a non-string: " + what)
                    .isTrue());
        });
    }

    // ---- invariants after each try ----

    private void assertRowsConsistent() {
        var orphans = new ArrayList<String>();
        for (String reference : REFERENCES) {
            String[] parts = reference.split("[.> ]+"); // table.column > target
            long count = db.createQuery("select count(*) from " + parts[0] + " r where not exists (select 1 from "
                    + parts[2] + " t where t.id = r." + parts[1] + ")").mapTo(Long.class).one();
            if (count > 0) {
                orphans.add(count + " rows of " + reference + " point nowhere");
            }
        }
        orphans.addAll(db.createQuery("select 'user ' || follower_id || ' follows themselves' from follows "
                + "where follower_id = followed_id").mapTo(String.class).list());
        assertThat(orphans).as("orphan rows").isEmpty();

        // the touched articles and tags only: other tests delete rows behind the counters' backs on purpose
        List<String> counts = db.createQuery("""
                select a.slug || ': favorites_count ' || a.favorites_count || ', favorites ' || count(f.user_id)
                from articles a left join favorites f on f.article_id = a.id
                where a.id = any(:articles)
                group by a.id having a.favorites_count <> count(f.user_id)
                union all
                select tag || ': tag_counts ' || counted || ', article_tags ' || tagged from (
                    select t.tag, coalesce((select c.articles from tag_counts c where c.tag = t.tag), 0) as counted,
                           (select count(*) from article_tags a where a.tag = t.tag) as tagged
                    from unnest(cast(:tags as text[])) as t(tag)) counters
                where counted <> tagged
                """).bindArray("articles", Long.class, state.touchedIds())
                .bindArray("tags", String.class, List.copyOf(state.tags))
                .mapTo(String.class).list();
        assertThat(counts).as("counters that disagree with their rows").isEmpty();
    }

    private void assertApiAgreesWithRows() {
        var w = world();
        for (String slug : state.touched.keySet()) {
            String path = "/articles/" + encode(slug);
            var article = w.api().get(path, w.token(Caller.ALICE));
            Optional<String> row = db.createQuery("""
                    select json_build_object(
                        'slug', a.slug, 'title', a.title, 'description', a.description, 'body', a.body,
                        'tagList', array(select t.tag from article_tags t where t.article_id = a.id
                                         order by t.tag collate "C"),
                        'favorited', exists(select 1 from favorites f where f.article_id = a.id and f.user_id = :me),
                        'favoritesCount', (select count(*) from favorites f where f.article_id = a.id),
                        'author', json_build_object('username', u.username, 'bio', u.bio, 'image', u.image,
                            'following', exists(select 1 from follows f
                                                where f.follower_id = :me and f.followed_id = a.author_id)),
                        'comments', array(select c.id from comments c where c.article_id = a.id
                                          order by c.created_at desc, c.id desc))
                    from articles a join users u on u.id = a.author_id where a.slug = :slug
                    """).bind("slug", slug).bind("me", w.ids().get(Caller.ALICE)).mapTo(String.class).findOne();
            if (row.isEmpty()) {
                assertThat(article.status()).as(path + " has no row: " + article.body()).isEqualTo(404);
                continue;
            }
            ObjectNode expected = (ObjectNode) parse(row.get());
            JsonNode commentIds = expected.remove("comments");
            ObjectNode shown = ((ObjectNode) article.at("/article")).deepCopy();
            shown.remove(List.of("createdAt", "updatedAt"));
            assertThat(shown).as(path + " against its row").isEqualTo(expected);
            var comments = w.api().get(path + "/comments", w.token(Caller.ALICE));
            var shownIds = JSON.createArrayNode();
            comments.at("/comments").forEach(c -> shownIds.add(c.get("id")));
            assertThat(shownIds).as(path + "/comments against their rows").isEqualTo(commentIds);
        }
        for (String tag : state.tags) {
            long tagged = db.createQuery("select count(*) from article_tags where tag = ?").bind(0, tag)
                    .mapTo(Long.class).one();
            assertThat(w.api().get("/articles?limit=1&tag=" + encode(tag)).at("/articlesCount").asLong())
                    .as("articles tagged " + tag).isEqualTo(tagged);
        }
        for (Caller viewer : Caller.USERS) {
            long me = w.ids().get(viewer);
            assertThat(w.api().get("/user", w.token(viewer)).at("/user")).as("GET /user as " + viewer)
                    .isEqualTo(parse(db.createQuery("""
                            select json_build_object('email', email, 'token', :token, 'username', username,
                                                     'bio', bio, 'image', image,
                                                     'emailVerified', coalesce(lower(email_verified) = lower(email),
                                                                               false),
                                                     'notifications', json_build_object(
                                                         'followers', notify_followers, 'comments', notify_comments))
                            from users where id = :me""").bind("me", me).bind("token", w.token(viewer))
                            .mapTo(String.class).one()));
            assertListCount(w, "/articles?author=" + encode(username(viewer)), null,
                    "select count(*) from articles where author_id = ?", me);
            assertListCount(w, "/articles?favorited=" + encode(username(viewer)), null,
                    "select count(*) from favorites where user_id = ?", me);
            assertListCount(w, "/articles/feed?limit=1", viewer, """
                    select count(*) from articles a join follows f on f.followed_id = a.author_id
                    where f.follower_id = ?""", me);
            for (Caller other : Caller.USERS) {
                long them = w.ids().get(other);
                String path = "/profiles/" + encode(username(other));
                assertThat(w.api().get(path, w.token(viewer)).at("/profile")).as(path + " as " + viewer)
                        .isEqualTo(parse(db.createQuery("""
                                select json_build_object('username', username, 'bio', bio, 'image', image,
                                    'following', exists(select 1 from follows
                                                        where follower_id = :me and followed_id = :them))
                                from users where id = :them""").bind("me", me).bind("them", them)
                                .mapTo(String.class).one()));
            }
        }
    }

    private void assertListCount(World w, String path, Caller viewer, String sql, long userId) {
        long rows = db.createQuery(sql).bind(0, userId).mapTo(Long.class).one();
        var res = w.api().get(path, viewer == null ? null : w.token(viewer));
        assertThat(res.at("/articlesCount").asLong()).as(path + ": " + res.body()).isEqualTo(rows);
    }

    /** A digest of the rows a request could wrongly change: the world's accounts, the try's articles, new rows. */
    private String rows() {
        return db.createQuery("""
                select md5(concat_ws('|',
                    (select max(id) from users), (select max(id) from articles), (select max(id) from comments),
                    (select count(*) from favorites where user_id = any(:users)),
                    (select count(*) from follows where follower_id = any(:users) or followed_id = any(:users)),
                    (select string_agg(u::text, ',' order by u.id) from users u where u.id = any(:users)),
                    (select string_agg(a::text, ',' order by a.id) from articles a where a.id = any(:articles)),
                    (select string_agg(t::text, ',' order by t.article_id, t.tag) from article_tags t
                        where t.article_id = any(:articles)),
                    (select string_agg(c::text, ',' order by c.id) from comments c where c.article_id = any(:articles)),
                    (select string_agg(f::text, ',' order by f.article_id, f.user_id) from favorites f
                        where f.article_id = any(:articles)),
                    (select string_agg(f::text, ',' order by f.follower_id, f.followed_id) from follows f
                        where f.follower_id = any(:users) and f.followed_id = any(:users)),
                    (select string_agg(c::text, ',' order by c.tag) from tag_counts c
                        where c.tag = any(cast(:tags as text[])))))
                """).bindArray("users", Long.class, List.copyOf(world().ids().values()))
                .bindArray("articles", Long.class, state.touchedIds())
                .bindArray("tags", String.class, List.copyOf(state.tags))
                .mapTo(String.class).one();
    }

    private String username(Caller caller) {
        return db.createQuery("select username from users where id = ?").bind(0, world().ids().get(caller))
                .mapTo(String.class).one();
    }

    // ---- sending ----

    /** A call as sent (the request's bytes) and answered, the rows' digest around it, the owner of what it names. */
    private record Exchange(Call call, String target, byte[] request, Map<String, String> known, Reply reply,
                            String rowsBefore, String rowsAfter, Optional<Long> owner) {
        String describe() {
            String body = reply.text();
            return call + "\n  sent " + call.method() + " " + target + "\n  answered " + reply.status() + " "
                    + (reply.failure() != null ? reply.failure() : body.substring(0, Math.min(body.length(), 2000)));
        }
    }

    private Exchange send(Call call) {
        var known = new LinkedHashMap<String, String>();
        var binding = state.binding(call.op(), call.pick());
        var target = new StringBuilder(call.op().prefix());
        Matcher parameter = PATH_PARAMETER.matcher(call.op().template());
        int from = 0;
        while (parameter.find()) {
            target.append(call.op().template(), from, parameter.start());
            String name = parameter.group(1);
            Value value = call.path().get(name);
            String resolved = state.value(name, binding, call.pick(), call.op());
            if (value instanceof Known(Variant variant) && variant == Variant.AS_IS) {
                known.put(name, resolved);
            }
            target.append(value.render(resolved));
            from = parameter.end();
        }
        target.append(call.op().template().substring(from)).append(call.extras().pathSuffix());
        var pieces = new ArrayList<String>();
        for (Piece piece : call.query()) {
            String rendered = piece.value().render(state.anyValue(call.pick() + pieces.size()));
            pieces.add(piece.name().isEmpty() ? rendered : piece.name() + "=" + rendered);
        }
        if (!pieces.isEmpty()) {
            target.append('?').append(String.join("&", pieces));
        }

        var headers = new ArrayList<Map.Entry<String, String>>();
        world().authorization(call.caller()).ifPresent(value -> headers.add(Map.entry("Authorization", value)));
        if (call.body().bytes() != null && !call.extras().contentType().isEmpty()) {
            headers.add(Map.entry("Content-Type", call.extras().contentType()));
        }
        if (!call.extras().acceptEncoding().isEmpty()) {
            headers.add(Map.entry("Accept-Encoding", call.extras().acceptEncoding()));
        }
        if (!call.extras().requestId().isEmpty()) {
            headers.add(Map.entry("X-Request-Id", call.extras().requestId()));
        }
        call.extras().header().ifPresent(headers::add);
        Optional<Long> owner = owner(call, known);
        String before = state.rowsDigest().orElseGet(this::rows);
        byte[] request = RawHttp.request(call.method(), target.toString(), headers, call.body().bytes());
        Reply reply = RawHttp.exchange(world().port(), request, call.method().equals("HEAD"));
        String after = rows();
        state.digested(after);
        return new Exchange(call, target.toString(), request, known, reply, before, after, owner);
    }

    /** Who owns what a changing call's path ends in, when it names it as the API gave it. */
    private Optional<Long> owner(Call call, Map<String, String> known) {
        Matcher last = LAST_PATH_PARAMETER.matcher(call.op().template());
        String method = call.method().toUpperCase(Locale.ROOT);
        if (SAFE_METHODS.contains(method) || method.equals("POST") || !last.find()
                || !known.containsKey(last.group(1)) || !OWNER_QUERIES.containsKey(last.group(1))) {
            return Optional.empty();
        }
        String value = known.get(last.group(1));
        if (last.group(1).equals("id") && !value.matches("\\d{1,18}")) {
            return Optional.empty();
        }
        return db.createQuery(OWNER_QUERIES.get(last.group(1))).bind(0, value).mapTo(Long.class).findOne();
    }

    // ---- what a try learns from the answers ----

    /**
     * Values the answers gave, to put in later calls' paths: bindings (the values of one answer's element that
     * belong together, such as a comment's id with its article's slug) and pools per parameter name. Also the
     * articles of the world's accounts that the try touched, and their tags, which the invariants check.
     */
    private final class State {
        final List<Map<String, String>> bindings = new ArrayList<>();
        final Map<String, List<String>> pools = new HashMap<>();
        final Map<String, Long> touched = new LinkedHashMap<>();
        final Set<String> tags = new TreeSet<>();
        /** The last digest of the rows, and how many articles and tags it covered. */
        private String digest;
        private List<Integer> digestCovers = List.of();

        /** The last digest, while it covers what the try has touched: no request ran since, nor did checks write. */
        Optional<String> rowsDigest() {
            return digestCovers.equals(List.of(touched.size(), tags.size())) ? Optional.of(digest) : Optional.empty();
        }

        void digested(String rows) {
            digest = rows;
            digestCovers = List.of(touched.size(), tags.size());
        }

        void learn(Map<String, String> sent, JsonNode answer) {
            var tagsBySlug = new HashMap<String, List<String>>();
            for (JsonNode element : elements(answer)) {
                var binding = new HashMap<>(sent);
                element.findParents("slug").forEach(article -> tagsBySlug.put(article.get("slug").asText(),
                        article.path("tagList").valueStream().map(JsonNode::asText).toList()));
                for (String name : PATH_NAMES) {
                    JsonNode value = element.findValue(name);
                    if (value != null && value.isValueNode()) {
                        binding.putIfAbsent(name, value.asText());
                    }
                    element.findValues(name).stream().filter(JsonNode::isValueNode)
                            .forEach(v -> pools.computeIfAbsent(name, n -> new ArrayList<>()).add(v.asText()));
                }
                element.findValues("tagList").forEach(list -> list.forEach(tag ->
                        pools.computeIfAbsent("tag", n -> new ArrayList<>()).add(tag.asText())));
                bindings.add(binding);
            }
            if (!tagsBySlug.isEmpty()) {
                db.createQuery("select slug, id from articles where slug = any(:slugs) and author_id = any(:users)")
                        .bindArray("slugs", String.class, List.copyOf(tagsBySlug.keySet()))
                        .bindArray("users", Long.class, List.copyOf(world().ids().values()))
                        .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
                        .forEach(article -> {
                            touched.put(article.getKey(), article.getValue());
                            tags.addAll(tagsBySlug.get(article.getKey()));
                        });
            }
        }

        List<Long> touchedIds() {
            return List.copyOf(touched.values());
        }

        /** A binding with every path parameter of {@code op}, or none. */
        Map<String, String> binding(Operation op, int pick) {
            var names = op.parameters("path").stream().map(Parameter::name).toList();
            var fitting = bindings.stream().filter(b -> b.keySet().containsAll(names)).toList();
            return fitting.isEmpty() ? Map.of() : fitting.get(pick % fitting.size());
        }

        /** The value of path parameter {@code name}: from the binding, an answer, the document, or made up. */
        String value(String name, Map<String, String> binding, int pick, Operation op) {
            if (binding.containsKey(name)) {
                return binding.get(name);
            }
            List<String> pool = pools.getOrDefault(name, List.of());
            if (!pool.isEmpty()) {
                return pool.get(pick % pool.size());
            }
            return op.parameters("path").stream().filter(p -> p.name().equals(name))
                    .flatMap(p -> p.examples().stream()).findFirst().orElse("missing");
        }

        /** Any value an answer gave (a slug, a username, a tag, ...), for query parameters. */
        String anyValue(int pick) {
            var all = pools.values().stream().flatMap(List::stream).toList();
            return all.isEmpty() ? "missing" : all.get(pick % all.size());
        }

        private List<JsonNode> elements(JsonNode answer) {
            if (answer.isObject() && answer.size() == 1 && answer.elements().next().isArray()) {
                return answer.elements().next().valueStream().toList();
            }
            return answer.isObject() && answer.size() == 1 ? List.of(answer.elements().next()) : List.of(answer);
        }
    }

    // ---- the calls ----

    /** One request to send: an operation, and how it strays from a well-formed call of it. */
    record Call(Operation op, String method, Caller caller, int pick, Map<String, Value> path, List<Piece> query,
                Body body, Extras extras) {
        /** Whether the request still names the operation's route (no other method, no path that leaves it). */
        boolean staysOnItsRoute() {
            return method.equals(op.method()) && extras.pathSuffix().isEmpty() && path.values().stream()
                    .allMatch(value -> !(value instanceof Literal(String raw)) || keepsRoute(raw));
        }

        private static boolean keepsRoute(String raw) {
            String decoded = decodeLeniently(raw);
            return !decoded.isEmpty() && !decoded.equals(".") && !decoded.equals("..")
                    && decoded.chars().noneMatch(c -> "/\\?#; \t%".indexOf(c) >= 0);
        }

        @Override
        public String toString() {
            return method + " " + op.prefix() + op.template() + " as " + caller + ", path " + path + ", query "
                    + query + ", " + body + ", " + extras;
        }
    }

    sealed interface Value permits Known, Literal {
        /** The value as it goes into the request target, given the value the answers hold for its name. */
        String render(String known);
    }

    enum Variant { AS_IS, UPPER_CASE, EVERY_BYTE_ENCODED, PADDED }

    /** A value an earlier answer gave (or the document's example), sent as it is or a little changed. */
    record Known(Variant variant) implements Value {
        @Override
        public String render(String known) {
            return switch (variant) {
                case AS_IS -> encode(known);
                case UPPER_CASE -> encode(known.toUpperCase(Locale.ROOT));
                case EVERY_BYTE_ENCODED -> {
                    var out = new StringBuilder();
                    for (byte b : known.getBytes(UTF_8)) {
                        out.append('%').append(String.format("%02X", b & 0xFF));
                    }
                    yield out.toString();
                }
                case PADDED -> encode(" " + known + " ");
            };
        }
    }

    /** Made up, already in request-target form (possibly malformed on purpose). */
    record Literal(String raw) implements Value {
        @Override
        public String render(String known) {
            return raw;
        }

        @Override
        public String toString() {
            return "Literal[" + (raw.length() > 200 ? raw.substring(0, 200) + "... (" + raw.length() + ")" : raw) + "]";
        }
    }

    /** A query parameter; with no name, {@code value} is the whole (odd) piece between the ampersands. */
    record Piece(String name, Value value) {
    }

    record Body(byte[] bytes, String shown) {
        static final Body NONE = new Body(null, "no body");

        static Body json(JsonNode tree, boolean asciiOnly, String how) {
            try {
                String text = (asciiOnly ? ASCII_JSON : JSON).writeValueAsString(tree);
                return new Body(text.getBytes(UTF_8), how);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String toString() {
            if (bytes == null) {
                return shown;
            }
            String text = new String(bytes, 0, Math.min(bytes.length, 300), UTF_8);
            return "body (" + shown + ", " + bytes.length + " bytes) " + text + (bytes.length > 300 ? "..." : "");
        }
    }

    /** Headers beside the token, and what follows the path. */
    record Extras(String contentType, String acceptEncoding, String requestId,
                  Optional<Map.Entry<String, String>> header, String pathSuffix) {
        boolean conditional() {
            return header.map(h -> h.getKey().equals("If-None-Match")).orElse(false);
        }
    }

    // ---- generators ----

    private static List<Call> calls(Fuzz fuzz) {
        var calls = new ArrayList<Call>();
        for (int n = fuzz.between(MIN_CALLS_PER_TRY, MAX_CALLS_PER_TRY); n > 0; n--) {
            Operation op = fuzz.pick(OPERATIONS);
            calls.add(new Call(op, method(fuzz, op), fuzz.oneOf(CALLERS), fuzz.edgeBiased(1_000_000),
                    pathValues(fuzz, op), query(fuzz, op), body(fuzz, op), extras(fuzz)));
        }
        return calls;
    }

    private static String method(Fuzz fuzz, Operation op) {
        return fuzz.oneOf(choice(40, op.method()), choice(1, "PATCH"), choice(1, "OPTIONS"), choice(1, "HEAD"),
                choice(1, "TRACE"), choice(1, "FOO"), choice(1, op.method().toLowerCase(Locale.ROOT)));
    }

    private static final List<Choice<Caller>> CALLERS = Arrays.stream(Caller.values())
            .map(caller -> choice(switch (caller) {
                case ALICE, BOB -> 6;
                case CAROL, ANONYMOUS -> 4;
                default -> 1;
            }, caller)).toList();

    private static Map<String, Value> pathValues(Fuzz fuzz, Operation op) {
        var byName = new LinkedHashMap<String, Value>();
        op.parameters("path").forEach(parameter -> byName.put(parameter.name(), pathValue(fuzz, parameter)));
        return byName;
    }

    private static Value pathValue(Fuzz fuzz, Parameter parameter) {
        return fuzz.oneOf(
                drawn(7, () -> known(fuzz.oneOf(choice(12, Variant.AS_IS), choice(1, Variant.UPPER_CASE),
                        choice(1, Variant.EVERY_BYTE_ENCODED), choice(1, Variant.PADDED)))),
                drawn(3, () -> literal(oddPathValue(fuzz, parameter))));
    }

    private static String oddPathValue(Fuzz fuzz, Parameter parameter) {
        if (parameter.schema().path("type").asText().equals("integer")) {
            return fuzz.pick("-1", "0", "9223372036854775807", "9223372036854775808", "99999999999999999999999",
                    "1e3", "0x1F", "1.0", "+1", "%201", "1%20", "%D9%A1", "abc", "%00", "");
        }
        return fuzz.oneOf(
                drawn(3, () -> encode(fuzz.oddText())),
                drawn(1, () -> raw(fuzz.oddText())),
                drawn(2, () -> fuzz.pick(".", "..", "%2e%2e", "%2F", "a%2Fb", "%5C", "%00", "%ED%A0%80", "%C0%AF",
                        "%FF", "%", "%zz", "%%", "a;b=c", "%0D%0A", "%20", "~", "*", "@", ":", "!$&'()*+,;=", "")),
                drawn(1, () -> "a".repeat(fuzz.pick(200, 2_000, 10_000))));
    }

    /** Each declared parameter half the time, then now and then one or two stray pieces. */
    private static List<Piece> query(Fuzz fuzz, Operation op) {
        var pieces = new ArrayList<Piece>();
        for (Parameter parameter : op.parameters("query")) {
            if (fuzz.chance(0.5)) {
                pieces.add(new Piece(parameter.name(), queryValue(fuzz, parameter)));
            }
        }
        if (fuzz.chance(0.2)) {
            for (int n = fuzz.between(1, 2); n > 0; n--) {
                pieces.add(new Piece("", literal(fuzz.pick("x=1", "=", "&", "limit", "limit=1&limit=1000",
                        "offset=5&offset=-5", "%zz=%zz", "a[b]=c", "tag=%00", "author=%ED%A0%80",
                        "q=" + "a".repeat(5_000), "%FF=1"))));
            }
        }
        return pieces;
    }

    private static Value queryValue(Fuzz fuzz, Parameter parameter) {
        JsonNode schema = parameter.schema();
        if (schema.path("type").asText().equals("integer")) {
            long min = schema.path("minimum").asLong(0);
            long max = schema.path("maximum").asLong(Integer.MAX_VALUE);
            return literal(fuzz.oneOf(
                    drawn(3, () -> String.valueOf(fuzz.pick(min - 1, min, min + 1, max - 1, max, max + 1))),
                    drawn(2, () -> fuzz.pick("-1", "0", "2147483648", "99999999999999999999", "abc", "1.5", "",
                            "%205", "1e2", "0x10", "+5", "-0", "%D9%A3", "5%00", "%FF", "%zz", "NaN"))));
        }
        return fuzz.oneOf(choice(3, known(Variant.AS_IS)), choice(1, known(Variant.UPPER_CASE)),
                drawn(2, () -> literal(encode(fuzz.oddText()))),
                drawn(1, () -> literal(encode(fuzz.pick(SPECIALS)))));
    }

    private static Extras extras(Fuzz fuzz) {
        String contentType = fuzz.oneOf(choice(30, "application/json"), choice(2, ""), choice(1, "text/plain"),
                choice(1, "application/x-www-form-urlencoded"), choice(1, "application/json; charset=utf-16"),
                choice(1, "multipart/form-data; boundary=x"), choice(1, "application/xml"), choice(1, "*/*;;;="));
        String acceptEncoding = fuzz.oneOf(choice(16, ""), choice(4, "gzip"), choice(1, "GZIP;q=1.0"),
                choice(1, "gzip;q=0"), choice(1, "*"), choice(1, "gzip;q=abc;;"),
                choice(1, "br, deflate;q=0.5, identity;q=0"), choice(1, ",,;q="));
        String requestId = fuzz.oneOf(choice(20, ""), choice(1, "fuzz-1"), choice(1, "a".repeat(129)),
                choice(1, "spaces in an id"), choice(1, "caf\u00e9"));
        Optional<Map.Entry<String, String>> header = fuzz.chance(0.1) ? Optional.of(fuzz.pick(
                Map.entry("If-None-Match", "*"), Map.entry("If-None-Match", "W/\"x\", \"y\""),
                Map.entry("If-None-Match", ",,\"W/"), Map.entry("Origin", "https://elsewhere.example"),
                Map.entry("Origin", "null"), Map.entry("Access-Control-Request-Method", "DELETE"),
                Map.entry("Expect", "100-continue"), Map.entry("Content-Encoding", "gzip"),
                Map.entry("Accept", "text/html"), Map.entry("Authorization", "Token second-one"),
                Map.entry("Range", "bytes=0-1"), Map.entry("X-Forwarded-For", "\u00ff\u0001"))) : Optional.empty();
        String pathSuffix = fuzz.oneOf(choice(40, ""), choice(1, "/"), choice(1, "//"), choice(1, "/.."),
                choice(1, "/."), choice(1, "/extra"), choice(1, "?"), choice(1, "#fragment"),
                choice(1, ";jsessionid=1"), choice(1, "%2F"), choice(1, "/%2e%2e"));
        return new Extras(contentType, acceptEncoding, requestId, header, pathSuffix);
    }

    // ---- bodies ----

    private static Body body(Fuzz fuzz, Operation op) {
        if (op.body().isMissingNode()) {
            return fuzz.oneOf(choice(9, Body.NONE), drawn(1, () -> junkBody(fuzz)));
        }
        return fuzz.oneOf(
                drawn(8, () -> Body.json(value(fuzz, op.body()), fuzz.chance(0.5), "from the schema")),
                drawn(3, () -> {
                    Shape shape = fuzz.pick(Shape.values());
                    return Body.json(shape.apply(value(fuzz, op.body()), fuzz.edgeBiased(1_000_000), junk(fuzz)),
                            false, shape.name());
                }),
                drawn(2, () -> {
                    Garble garble = fuzz.pick(Garble.values());
                    return new Body(garble.apply(value(fuzz, op.body()), fuzz.edgeBiased(1_000_000)), garble.name());
                }),
                drawn(1, () -> junkBody(fuzz)));
    }

    private static Body junkBody(Fuzz fuzz) {
        return fuzz.oneOf(
                drawn(3, () -> new Body(fuzz.pick("", "null", "[]", "42", "\"text\"", "{", "not json", "{\"\":{}}",
                        "true", "user=x&password=y").getBytes(UTF_8), "junk")),
                drawn(1, () -> new Body(fuzz.bytes(64), "random bytes")));
    }

    /** A value of {@code schema}'s type(s), its strings sometimes at or past their limits, or odd. */
    private static JsonNode value(Fuzz fuzz, JsonNode schema) {
        var options = new ArrayList<Choice<JsonNode>>();
        for (String type : types(schema)) {
            options.add(switch (type) {
                case "object" -> drawn(4, () -> object(fuzz, schema));
                case "array" -> drawn(4, () -> {
                    ArrayNode items = JSON.createArrayNode();
                    for (int n = fuzz.size(schema.path("maxItems").asInt(5) + 2); n > 0; n--) {
                        items.add(value(fuzz, schema.path("items")));
                    }
                    return items;
                });
                case "string" -> drawn(4, () -> TextNode.valueOf(text(fuzz, schema)));
                case "integer" -> drawn(4, () -> LongNode.valueOf(fuzz.anyLong()));
                case "number" -> drawn(4, () -> DoubleNode.valueOf(fuzz.anyDouble()));
                case "boolean" -> drawn(4, () -> BooleanNode.valueOf(fuzz.chance(0.5)));
                default -> choice(1, NullNode.getInstance());
            });
        }
        return options.isEmpty() ? junk(fuzz) : fuzz.oneOf(options);
    }

    private static List<String> types(JsonNode schema) {
        JsonNode type = schema.path("type");
        if (type.isArray()) {
            return type.valueStream().map(JsonNode::asText).toList();
        }
        return type.isTextual() ? List.of(type.asText()) : schema.has("properties") ? List.of("object") : List.of();
    }

    /** Required properties nearly always, optional ones often. */
    private static ObjectNode object(Fuzz fuzz, JsonNode schema) {
        var required = new HashSet<String>();
        schema.path("required").forEach(name -> required.add(name.asText()));
        ObjectNode node = JSON.createObjectNode();
        schema.path("properties").properties().forEach(property -> {
            if (fuzz.chance(required.contains(property.getKey()) ? 0.95 : 0.6)) {
                node.set(property.getKey(), value(fuzz, property.getValue()));
            }
        });
        return node;
    }

    private static final String[] SPECIALS = {" ", "  padded  ", "\t\r\n", "<script>alert(1)</script>",
            "' or '1'='1", "\"; drop table users; --", "../../etc/passwd", "%00", "%s%n", "${jndi:ldap://x/a}", "null",
            "NaN", "\u202Eevil", "\uFEFF", "\u200B", "\u2028", "\u0085", "\uD835\uDD4F", "\uD83D\uDE00", "\uD83D",
            "\uDE00", "a\u0000b", "\u0000", "\\", "{\"a\":1}", "e\u0301", "\uFFFF"};

    private static String text(Fuzz fuzz, JsonNode schema) {
        int min = schema.path("minLength").asInt(0);
        int max = schema.path("maxLength").asInt(300);
        return fuzz.oneOf(drawn(40, () -> plausible(fuzz, schema, min, max)),
                drawn(3, () -> fuzz.aroundLimits(min, max)), drawn(3, fuzz::oddText),
                drawn(2, () -> fuzz.pick(SPECIALS)));
    }

    /** Text the rules accept more often than not, so that calls create things for later calls to work on. */
    private static String plausible(Fuzz fuzz, JsonNode schema, int min, int max) {
        int from = Math.max(min, 1);
        int to = Math.max(from, Math.min(max, from + 20));
        return switch (schema.path("format").asText()) {
            case "email" -> fuzz.word(1, 12, "") + "@" + fuzz.word(1, 10, "") + ".test";
            case "uri" -> "https://example.com/" + fuzz.word(0, 20, "");
            default -> fuzz.word(from, to, schema.has("pattern") ? "_.-" : " -,.!?'");
        };
    }

    /** A value of the wrong type, or an odd one. */
    private static JsonNode junk(Fuzz fuzz) {
        return fuzz.oneOf(
                drawn(3, () -> parse(fuzz.pick("0", "-1", "9223372036854775807", "-9223372036854775809", "1e400",
                        "123456789012345678901234567890", "1.5", "-0.0", "true", "false", "null", "\"\"", "[]", "{}",
                        "[1,\"a\",null]", "{\"a\":{\"b\":[true]}}", "[\"\"]"))),
                drawn(1, () -> TextNode.valueOf(fuzz.oddText())),
                drawn(1, () -> nested(fuzz.between(2, 300))));
    }

    /** Changes to a body's structure. */
    enum Shape {
        DROP_FIELD, RETYPE_FIELD, ADD_FIELD, EMPTY_WRAPPER, NO_WRAPPER, NOT_AN_OBJECT;

        JsonNode apply(JsonNode valid, int where, JsonNode junk) {
            JsonNode tree = valid.deepCopy();
            var containers = new ArrayList<JsonNode>();
            collectContainers(tree, containers);
            JsonNode container = containers.get(where % containers.size());
            switch (this) {
                case DROP_FIELD, RETYPE_FIELD -> {
                    if (container.isEmpty()) {
                        return tree;
                    }
                    int index = where % container.size();
                    if (container instanceof ObjectNode object) {
                        String name = List.copyOf(object.properties()).get(index).getKey();
                        if (this == DROP_FIELD) {
                            object.remove(name);
                        } else {
                            object.set(name, junk);
                        }
                    } else if (this == DROP_FIELD) {
                        ((ArrayNode) container).remove(index);
                    } else {
                        ((ArrayNode) container).set(index, junk);
                    }
                }
                case ADD_FIELD -> {
                    if (container instanceof ObjectNode object) {
                        object.set("extra" + where, junk);
                    } else {
                        ((ArrayNode) container).add(junk);
                    }
                }
                case EMPTY_WRAPPER -> {
                    if (tree instanceof ObjectNode object) {
                        List.copyOf(object.properties()).forEach(field -> object.putObject(field.getKey()));
                    }
                }
                case NO_WRAPPER -> {
                    return tree.isObject() && tree.size() == 1 ? tree.elements().next() : tree;
                }
                case NOT_AN_OBJECT -> {
                    return junk;
                }
            }
            return tree;
        }

        private static void collectContainers(JsonNode node, List<JsonNode> into) {
            if (node.isContainerNode()) {
                into.add(node);
                node.elements().forEachRemaining(child -> collectContainers(child, into));
            }
        }
    }

    /** Changes to a body's bytes: broken JSON, broken UTF-8, what strict parsers refuse. */
    enum Garble {
        TRUNCATED, TRAILING_GARBAGE, DUPLICATE_KEY, INVALID_UTF8, BYTE_ORDER_MARK, DEEP_NESTING, PADDED,
        SINGLE_QUOTES, COMMENTED, NAN;

        byte[] apply(JsonNode tree, int where) {
            String json = new String(Body.json(tree, false, "").bytes(), UTF_8);
            String text = switch (this) {
                case TRUNCATED -> json.substring(0, where % Math.max(json.length(), 1));
                case TRAILING_GARBAGE -> json + List.of(" x", "}", ",", "\u0000", " {}").get(where % 5);
                case DUPLICATE_KEY -> duplicateKey(tree, json);
                case INVALID_UTF8 -> null;
                case BYTE_ORDER_MARK -> "\uFEFF" + json;
                case DEEP_NESTING -> {
                    int depth = List.of(999, 1_000, 1_001, 5_000, 100_000).get(where % 5);
                    yield "{\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
                }
                case PADDED -> " \t\r\n".repeat(where % 25_000) + json;
                case SINGLE_QUOTES -> json.replace('"', '\'');
                case COMMENTED -> "/* comment */ " + json + " // end";
                case NAN -> json.replaceFirst(":\"[^\"]*\"", ":NaN");
            };
            if (text != null) {
                return text.getBytes(UTF_8);
            }
            byte[] bytes = json.getBytes(UTF_8);
            byte[] bad = List.of(new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0xFF},
                    new byte[] {(byte) 0x80}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                    new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}).get(where % 5);
            // inside the first string value, where a parser has to decode it
            int at = json.indexOf(":\"") < 0 ? where % (bytes.length + 1)
                    : json.substring(0, json.indexOf(":\"") + 2).getBytes(UTF_8).length;
            var out = new ByteArrayOutputStream();
            out.write(bytes, 0, at);
            out.writeBytes(bad);
            out.write(bytes, at, bytes.length - at);
            return out.toByteArray();
        }

        /** The first field of the innermost first object, written twice. */
        private static String duplicateKey(JsonNode tree, String json) {
            JsonNode inner = tree.isObject() && tree.size() > 0 && tree.elements().next().isObject()
                    && !tree.elements().next().isEmpty() ? tree.elements().next() : tree;
            if (!inner.isObject() || inner.isEmpty()) {
                return json;
            }
            String name = inner.fieldNames().next();
            int open = inner == tree ? 0 : json.indexOf('{', 1);
            return json.substring(0, open + 1) + JSON.valueToTree(name) + ":\"first\"," + json.substring(open + 1);
        }
    }

    // ---- small helpers ----

    /** Percent-encodes everything but RFC 3986's unreserved characters. */
    static String encode(String value) {
        var out = new StringBuilder();
        for (byte b : value.getBytes(UTF_8)) {
            char c = (char) (b & 0xFF);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xFF));
            }
        }
        return out.toString();
    }

    /** The UTF-8 bytes of {@code value} unencoded in the request target (but no line breaks: they end the line). */
    private static String raw(String value) {
        return new String(value.replaceAll("[\r\n]", "").getBytes(UTF_8), ISO_8859_1);
    }

    /** %XX decoded where well-formed, the rest kept: what a server could make of a path segment. */
    private static String decodeLeniently(String raw) {
        var bytes = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length() && raw.substring(i + 1, i + 3).matches("[0-9A-Fa-f]{2}")) {
                bytes.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return bytes.toString(UTF_8);
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode nested(int depth) {
        JsonNode node = JSON.createArrayNode();
        for (int i = 1; i < depth; i++) {
            node = JSON.createArrayNode().add(node);
        }
        return node;
    }

    private static Value known(Variant variant) {
        return new Known(variant);
    }

    private static Value literal(String raw) {
        return new Literal(raw);
    }

    // ---- who calls ----

    /** Who a call is sent as: one of three accounts, nobody, or a token that must not let anyone in. */
    enum Caller {
        ALICE, BOB, CAROL, ALICE_BEARER, ANONYMOUS,
        /** signed with the server's key, for an account that does not exist */
        GHOST,
        EXPIRED, FOREIGN_KEY, ALG_NONE, TAMPERED, GARBAGE, OTHER_SCHEME, EMPTY_TOKEN;

        static final List<Caller> USERS = List.of(ALICE, BOB, CAROL);

        /** The server must treat this caller as nobody where an operation requires a token. */
        boolean isNobody() {
            return !USERS.contains(this) && this != ALICE_BEARER && this != GHOST;
        }
    }

    /** The accounts every try acts as (made once for the test run), and how each caller authenticates. */
    private record World(Api api, int port, Map<Caller, String> authorizations, Map<Caller, Long> ids) {
        static World create() {
            var api = TestServer.api();
            var users = new EnumMap<Caller, Api.User>(Caller.class);
            Caller.USERS.forEach(caller -> users.put(caller, api.register("fuzz_" + caller.name().toLowerCase())));
            var ids = new EnumMap<Caller, Long>(Caller.class);
            users.forEach((caller, user) -> ids.put(caller, subject(user.token())));
            ids.put(Caller.ALICE_BEARER, ids.get(Caller.ALICE));

            byte[] secret = TestServer.JWT_SECRET.getBytes(UTF_8);
            long alice = ids.get(Caller.ALICE);
            String[] alices = users.get(Caller.ALICE).token().split("\\.");
            String[] bobs = users.get(Caller.BOB).token().split("\\.");
            var claims = new JWTClaimsSet.Builder().issuer("conduit").subject(Long.toString(alice))
                    .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(3600))).build();
            var auth = new EnumMap<Caller, String>(Caller.class);
            users.forEach((caller, user) -> auth.put(caller, "Token " + user.token()));
            auth.put(Caller.ALICE_BEARER, "Bearer " + users.get(Caller.ALICE).token());
            auth.put(Caller.GHOST, "Token " + tokens(secret, Duration.ofHours(1)).issue(Long.MAX_VALUE, 0));
            auth.put(Caller.EXPIRED, "Token " + tokens(secret, Duration.ofHours(-1)).issue(alice, 0));
            auth.put(Caller.FOREIGN_KEY, "Token " + tokens("not the server's key, but long enough for HS256"
                    .getBytes(UTF_8), Duration.ofHours(1)).issue(alice, 0));
            auth.put(Caller.ALG_NONE, "Token " + new PlainJWT(claims).serialize());
            auth.put(Caller.TAMPERED, "Token " + alices[0] + "." + bobs[1] + "." + alices[2]);
            auth.put(Caller.GARBAGE, "Token not-a-jwt");
            auth.put(Caller.OTHER_SCHEME, "Basic YWxpY2U6cGFzc3dvcmQ=");
            auth.put(Caller.EMPTY_TOKEN, "Token ");
            return new World(api, TestServer.app().port(), auth, ids);
        }

        Optional<String> authorization(Caller caller) {
            return Optional.ofNullable(authorizations.get(caller));
        }

        /**
         * A password change ends the account's earlier tokens; the PUT /user that made it answers with a new one,
         * which its account uses from now on (under both schemes for Alice).
         */
        void renewed(Call call, JsonNode answer) {
            String token = answer.path("user").path("token").asText("");
            if (!call.op().template().equals("/user") || token.isEmpty()
                    || !(Caller.USERS.contains(call.caller()) || call.caller() == Caller.ALICE_BEARER)) {
                return;
            }
            Caller account = call.caller() == Caller.ALICE_BEARER ? Caller.ALICE : call.caller();
            authorizations.put(account, "Token " + token);
            if (account == Caller.ALICE) {
                authorizations.put(Caller.ALICE_BEARER, "Bearer " + token);
            }
        }

        /** The bare token of one of the accounts. */
        String token(Caller caller) {
            return authorizations.get(caller).substring("Token ".length());
        }

        private static Tokens tokens(byte[] secret, Duration ttl) {
            return new Tokens(secret, ttl, Clock.systemUTC());
        }

        private static long subject(String token) {
            try {
                return Long.parseLong(SignedJWT.parse(token).getJWTClaimsSet().getSubject());
            } catch (ParseException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static synchronized World world() {
        if (world == null) {
            world = World.create();
        }
        return world;
    }
}
