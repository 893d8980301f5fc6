package dev.conduit.webhooks;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.conduit.Api;
import dev.conduit.TestServer;
import dev.conduit.Waits;
import dev.conduit.platform.json.Jackson;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Webhooks through the API, delivered by the test server's own workers to a receiver of the test's (the JDK's HTTP
 * server on loopback, which the test environment allows: WEBHOOK_ALLOWED_NETWORKS).
 */
class WebhooksTest {
    private static final Duration TOLERANCE = Duration.ofMinutes(5);

    /** One request the receiver got. */
    private record Received(String id, String event, String signature, byte[] body) {
        JsonNode json() throws IOException {
            return Jackson.MAPPER.readTree(body);
        }
    }

    private final Api api = TestServer.api();
    private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
    /** The receiver's answers, in turn; 204 once they run out. */
    private final LinkedBlockingQueue<Integer> answers = new LinkedBlockingQueue<>();
    private final AtomicInteger requests = new AtomicInteger();
    private HttpServer receiver;
    private String url;

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            requests.incrementAndGet();
            var headers = exchange.getRequestHeaders();
            received.add(new Received(headers.getFirst(Webhooks.ID_HEADER), headers.getFirst(Webhooks.EVENT_HEADER),
                    headers.getFirst(Signature.HEADER), exchange.getRequestBody().readAllBytes()));
            Integer answer = answers.poll();
            exchange.sendResponseHeaders(answer == null ? 204 : answer, -1);
            exchange.close();
        });
        receiver.start();
        url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    @Test
    void anAuthorsWebhookHearsOfTheirArticlesAndOfCommentsOnThemSigned() throws Exception {
        var author = api.register("hooked");
        var reader = api.register("reader");
        var hook = register(author, url, List.of("article.published", "article.updated", "comment.created"));
        String secret = hook.text("/webhook/secret");
        assertThat(secret).startsWith("whsec_");

        String slug = api.createArticle(author, Api.unique("Hooked"), List.of("hooks"));
        var published = next();
        assertThat(published.event()).isEqualTo("article.published");
        assertThat(verified(published, secret)).isTrue();
        assertThat(verified(published, "whsec_someone_else")).isFalse();
        var body = published.json();
        assertThat(UUID.fromString(body.get("id").asText())).as("the event's id (the header's is the delivery's)")
                .isNotEqualTo(UUID.fromString(published.id()));
        assertThat(body.get("event").asText()).isEqualTo("article.published");
        assertThat(body.at("/data/article/slug").asText()).isEqualTo(slug);
        assertThat(body.at("/data/article/body").asText()).startsWith("All about");
        assertThat(body.at("/data/article/author/username").asText()).isEqualTo(author.username());
        assertThat(body.at("/data/article/tagList/0").asText()).isEqualTo("hooks");
        assertThat(Instant.parse(body.get("occurredAt").asText())).isBefore(Instant.now().plusSeconds(1));

        assertThat(api.put("/articles/" + slug, wrap("article", "body", "Rewritten"), author.token()).status())
                .isEqualTo(200);
        var updated = next();
        assertThat(updated.event()).isEqualTo("article.updated");
        assertThat(updated.json().at("/data/article/body").asText()).isEqualTo("Rewritten");

        long comment = api.comment(reader, slug, "Nice hooks");
        var commented = next();
        assertThat(commented.event()).isEqualTo("comment.created");
        assertThat(verified(commented, secret)).isTrue();
        assertThat(commented.json().at("/data/comment/id").asLong()).isEqualTo(comment);
        assertThat(commented.json().at("/data/comment/body").asText()).isEqualTo("Nice hooks");
        assertThat(commented.json().at("/data/comment/author/username").asText()).isEqualTo(reader.username());
        assertThat(commented.json().at("/data/article/slug").asText()).isEqualTo(slug);

        // the reader's own article: the author's webhook is not told
        api.createArticle(reader, Api.unique("Not theirs"), List.of());
        assertThat(received.poll(500, TimeUnit.MILLISECONDS)).isNull();
        assertThat(List.of(published.id(), updated.id(), commented.id())).doesNotHaveDuplicates();
    }

    @Test
    void aWebhookRegisteredOnOneNodeHearsOfWritesOnAnother() throws Exception {
        try (var other = TestServer.start(Map.of())) {
            var there = new Api("http://127.0.0.1:" + other.app().port() + "/api");
            var author = api.register("two_nodes");
            // this node now remembers that the author has no webhook
            api.createArticle(author, Api.unique("Before"), List.of());
            register(there, author, url, List.of("article.published"));
            String slug = api.createArticle(author, Api.unique("After"), List.of());
            var delivery = next();
            assertThat(delivery.json().at("/data/article/slug").asText()).isEqualTo(slug);
            assertThat(received.poll(300, TimeUnit.MILLISECONDS)).as("nothing of the article before").isNull();
        }
    }

    @Test
    void aWebhookHearsOnlyTheEventsItAskedFor() throws Exception {
        var author = api.register("choosy");
        register(author, url, List.of("comment.created"));
        String slug = api.createArticle(author, Api.unique("Quiet"), List.of());
        api.comment(author, slug, "First");
        assertThat(next().event()).isEqualTo("comment.created");
        assertThat(received.poll(500, TimeUnit.MILLISECONDS)).as("no article.published").isNull();
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void aFailedDeliveryIsRetriedWithTheSameIdAndRecordedAndCanBeDeliveredAgain() throws Exception {
        var author = api.register("retried");
        var hook = register(author, url, List.of("article.published"));
        long id = hook.at("/webhook/id").asLong();
        answers.add(503);
        answers.add(500);
        api.createArticle(author, Api.unique("Retried"), List.of());
        var first = next();
        var second = next();
        var third = next();
        assertThat(List.of(second.id(), third.id())).as("one id for every attempt: receivers drop repeats")
                .containsOnly(first.id());
        assertThat(third.body()).isEqualTo(first.body());

        Waits.upTo(Duration.ofSeconds(20))
                .until(() -> deliveries(author, id).at("/deliveries/0/deliveredAt").isTextual());
        var delivery = deliveries(author, id).at("/deliveries/0");
        assertThat(delivery.get("id").asText()).isEqualTo(first.id());
        assertThat(delivery.get("event").asText()).isEqualTo("article.published");
        assertThat(delivery.get("attempts").asInt()).isEqualTo(3);
        assertThat(delivery.get("lastStatus").asInt()).isEqualTo(204);
        assertThat(received.poll(300, TimeUnit.MILLISECONDS)).as("no fourth attempt").isNull();

        var redelivered = api.post("/user/webhooks/" + id + "/deliveries/" + first.id() + "/redeliver", null,
                author.token());
        assertThat(redelivered.status()).isEqualTo(202);
        var again = next();
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.body()).isEqualTo(first.body());
    }

    @Test
    void aRotatedSecretSignsBesideTheOldOneForADay() throws Exception {
        var author = api.register("rotated");
        var hook = register(author, url, List.of("article.published"));
        String old = hook.text("/webhook/secret");
        var rotated = api.post("/user/webhooks/" + hook.at("/webhook/id").asLong() + "/secret", null, author.token());
        assertThat(rotated.status()).isEqualTo(200);
        String fresh = rotated.text("/webhook/secret");
        assertThat(fresh).startsWith("whsec_").isNotEqualTo(old);
        api.createArticle(author, Api.unique("Rotated"), List.of());
        var delivery = next();
        assertThat(verified(delivery, fresh)).isTrue();
        assertThat(verified(delivery, old)).as("receivers not moved over yet still verify").isTrue();
        assertThat(api.get("/user/webhooks", author.token()).at("/webhooks/0/secret").isMissingNode())
                .as("a secret is shown once").isTrue();
    }

    @Test
    void aDeletedWebhookHearsNothingMore() throws Exception {
        var author = api.register("deleted");
        long id = register(author, url, List.of("article.published")).at("/webhook/id").asLong();
        assertThat(api.delete("/user/webhooks/" + id, author.token()).status()).isEqualTo(204);
        api.createArticle(author, Api.unique("Unheard"), List.of());
        assertThat(received.poll(700, TimeUnit.MILLISECONDS)).isNull();
        assertThat(api.get("/user/webhooks", author.token()).at("/webhooks").size()).isZero();
        assertThat(api.delete("/user/webhooks/" + id, author.token()).status()).isEqualTo(404);
    }

    @Test
    void aWebhookIsItsOwnersAlone() {
        var owner = api.register("owner");
        var other = api.register("other");
        long id = register(owner, url, List.of("article.published")).at("/webhook/id").asLong();
        String path = "/user/webhooks/" + id;
        api.delete(path, other.token()).assertError(404, "webhook", "not found");
        api.post(path + "/secret", null, other.token()).assertError(404, "webhook", "not found");
        api.get(path + "/deliveries", other.token()).assertError(404, "webhook", "not found");
        assertThat(api.get("/user/webhooks", other.token()).at("/webhooks").size()).isZero();
        assertThat(api.get("/user/webhooks").status()).isEqualTo(401);
        assertThat(api.post("/user/webhooks", wrap("webhook", "url", url, "events", List.of("article.published")),
                null).status()).isEqualTo(401);
        api.post(path + "/deliveries/not-a-uuid/redeliver", null, owner.token())
                .assertError(404, "delivery", "not found");
        api.post(path + "/deliveries/" + UUID.randomUUID() + "/redeliver", null, owner.token())
                .assertError(404, "delivery", "not found");
    }

    @Test
    void aWebhookNeedsAnHttpUrlAndKnownEvents() {
        var user = api.register("invalid");
        String must = "must be an http or https URL with a host and no user name";
        String events = "must name some of article.published, article.updated, comment.created";
        api.post("/user/webhooks", wrap("webhook", "url", "ftp://example.com/x", "events",
                List.of("article.published")), user.token()).assertError(422, "url", must);
        api.post("/user/webhooks", wrap("webhook", "url", "https://user:pw@example.com/x", "events",
                List.of("article.published")), user.token()).assertError(422, "url", must);
        api.post("/user/webhooks", wrap("webhook", "url", "https://example.com/x", "events",
                List.of("article.deleted")), user.token()).assertError(422, "events", events);
        api.post("/user/webhooks", wrap("webhook", "url", "https://example.com/x", "events", List.of()),
                user.token()).assertError(422, "events", events);
        api.post("/user/webhooks", wrap("webhook", "events", List.of("comment.created")), user.token())
                .assertError(422, "url", "can't be blank");
        assertThat(api.get("/user/webhooks", user.token()).at("/webhooks").size()).isZero();
    }

    @Test
    void aDeliveryToACloudMetadataAddressIsRefusedAfterResolvingAndRecorded() throws Exception {
        var author = api.register("guarded");
        // link-local: where cloud metadata services answer; the test environment allows loopback only
        long id = register(author, "http://169.254.169.254/latest/meta-data", List.of("article.published"))
                .at("/webhook/id").asLong();
        api.createArticle(author, Api.unique("Guarded"), List.of());
        Waits.upTo(Duration.ofSeconds(20))
                .until(() -> deliveries(author, id).at("/deliveries/0/lastError").isTextual());
        assertThat(deliveries(author, id).at("/deliveries/0/lastError").asText())
                .contains("where webhooks may not go");
        assertThat(deliveries(author, id).at("/deliveries/0/deliveredAt").isNull()).isTrue();
    }

    @Test
    void anAuthorWithoutWebhooksQueuesNoJob() {
        var author = api.register("unhooked");
        String slug = api.createArticle(author, Api.unique("Plain"), List.of());
        api.comment(author, slug, "Plain");
        long queued = TestServer.database().withHandle(h -> h.createQuery(
                        "select count(*) from jobs where payload ->> 'owner' = (select id::text from users"
                                + " where username = :u)")
                .bind("u", author.username()).mapTo(Long.class).one());
        assertThat(queued).isZero();
    }

    private Api.Response register(Api.User user, String to, List<String> events) {
        return register(api, user, to, events);
    }

    private static Api.Response register(Api on, Api.User user, String to, List<String> events) {
        var response = on.post("/user/webhooks", wrap("webhook", "url", to, "events", events), user.token());
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response;
    }

    private JsonNode deliveries(Api.User user, long webhook) {
        var response = api.get("/user/webhooks/" + webhook + "/deliveries", user.token());
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    private Received next() throws InterruptedException {
        var next = received.poll(20, TimeUnit.SECONDS);
        assertThat(next).as("a delivery within 20 s").isNotNull();
        return next;
    }

    private static boolean verified(Received delivery, String secret) {
        return Signature.verify(delivery.signature(), delivery.body(), secret, Instant.now(), TOLERANCE);
    }

}
