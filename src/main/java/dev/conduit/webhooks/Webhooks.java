package dev.conduit.webhooks;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.conduit.platform.cache.Cached;
import dev.conduit.platform.cache.ChangeFeed;
import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.domain.Violations;
import dev.conduit.platform.jobs.Events;
import dev.conduit.platform.jobs.Jobs;
import dev.conduit.platform.json.Jackson;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Webhooks: a user's endpoints hear of their articles published and updated and of comments on them, as signed
 * JSON POSTs ({@link Signature}). An event is queued with the write it tells of (one {@value #EVENT_JOB} job in its
 * transaction); its run fans out to one recorded delivery, and one {@value #DELIVERY_JOB} job, per webhook that
 * wants it; each delivery is retried by the jobs' back-off until it is answered 2xx, and can be delivered again on
 * request. Deliveries connect only to addresses {@link Destinations} allows, judged on the addresses the host name
 * resolved to, which are those then connected to.
 */
public final class Webhooks implements Events.Listener, AutoCloseable {
    static final String EVENT_JOB = "webhook.event";
    static final String DELIVERY_JOB = "webhook.delivery";
    public static final Set<String> EVENTS = Set.of("article.published", "article.updated", "comment.created");
    static final String ID_HEADER = "Conduit-Webhook-Id";
    static final String EVENT_HEADER = "Conduit-Event";
    private static final int MAX_URL = 2000;
    private static final Duration ROTATION_GRACE = Duration.ofHours(24);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int WANTED_CACHED = 50_000;

    private final Jdbi jdbi;
    private final Jobs jobs;
    private final Clock clock;
    private final WebhookStore store = new WebhookStore();
    private final ChangeFeed feed;
    /** user id → the events their webhooks want (most users: none), asked by every write that makes one. */
    private final Cached<Long, Set<String>> wanted = Cached.counting("webhooks.wanted", WANTED_CACHED);
    private final Destinations destinations;
    private CloseableHttpClient http;

    public Webhooks(Jdbi jdbi, Jobs jobs, Destinations destinations, ChangeFeed feed, Clock clock) {
        this.jdbi = jdbi;
        this.jobs = jobs;
        this.clock = clock;
        this.feed = feed;
        feed.subscribe(WebhooksChanged.class, changed -> wanted.invalidate(changed.userId()));
        this.destinations = destinations;
        jobs.handle(EVENT_JOB, this::fanOut).handle(DELIVERY_JOB, this::deliver);
    }

    /** A webhook as its owner sees it; {@code secret} only when it was just made (registration, rotation). */
    public record View(long id, String url, List<String> events,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String secret) {
    }

    public View register(long userId, String url, List<String> events) {
        var violations = new Violations();
        String checked = violations.required("url", url, MAX_URL, true);
        if (checked != null) {
            try {
                var uri = URI.create(checked);
                if (!Set.of("http", "https").contains(String.valueOf(uri.getScheme()))
                        || uri.getHost() == null || uri.getRawUserInfo() != null) {
                    violations.add("url", "must be an http or https URL with a host and no user name");
                }
            } catch (IllegalArgumentException e) {
                violations.add("url", "must be an http or https URL with a host and no user name");
            }
        }
        if (events == null || events.isEmpty() || !EVENTS.containsAll(events)) {
            violations.add("events", "must name some of " + String.join(", ", EVENTS.stream().sorted().toList()));
        }
        violations.throwIfAny();
        String secret = newSecret();
        long id = jdbi.withHandle(h -> store.insert(h, userId, checked, List.copyOf(Set.copyOf(events)), secret));
        feed.publish(new WebhooksChanged(userId));
        return new View(id, checked, List.copyOf(Set.copyOf(events)), secret);
    }

    public List<View> list(long userId) {
        return jdbi.withHandle(h -> store.ofUser(h, userId)).stream()
                .map(w -> new View(w.id(), w.url(), w.events(), null)).toList();
    }

    public void delete(long userId, long id) {
        if (!jdbi.withHandle(h -> store.delete(h, userId, id))) {
            throw new Failure.NotFound("webhook");
        }
        feed.publish(new WebhooksChanged(userId));
    }

    /** A new secret, returned once; the old one still signs beside it for a day, while receivers move over. */
    public View rotate(long userId, long id) {
        String secret = newSecret();
        return jdbi.inTransaction(h -> {
            if (!store.rotate(h, userId, id, secret, clock.instant().plus(ROTATION_GRACE))) {
                throw new Failure.NotFound("webhook");
            }
            var w = store.find(h, userId, id).orElseThrow();
            return new View(w.id(), w.url(), w.events(), secret);
        });
    }

    /** A delivery as its webhook's owner sees it. */
    public record DeliveryView(UUID id, String event, Instant createdAt, int attempts, Integer lastStatus,
                               String lastError, Instant deliveredAt) {
    }

    /** The newest deliveries of {@code userId}'s webhook {@code id}. */
    public List<DeliveryView> deliveries(long userId, long id, int limit) {
        return jdbi.withHandle(h -> {
            store.find(h, userId, id).orElseThrow(() -> new Failure.NotFound("webhook"));
            return store.deliveries(h, id, limit).stream().map(d -> new DeliveryView(d.id(), d.event(),
                    d.createdAt(), d.attempts(), d.lastStatus(), d.lastError(), d.deliveredAt())).toList();
        });
    }

    /** Delivers a recorded delivery again (same id and body, signed anew), whatever became of it before. */
    public void redeliver(long userId, long id, UUID deliveryId) {
        jdbi.useTransaction(h -> {
            store.find(h, userId, id).orElseThrow(() -> new Failure.NotFound("webhook"));
            var delivery = store.delivery(h, deliveryId).filter(d -> d.webhookId() == id)
                    .orElseThrow(() -> new Failure.NotFound("delivery"));
            jobs.queue(h, DELIVERY_JOB, "{\"delivery\": \"" + delivery.id() + "\"}");
        });
    }

    @Override
    public boolean wants(String name, Long owner) {
        return EVENTS.contains(name) && owner != null
                && wanted.get(owner, id -> jdbi.withHandle(h -> store.events(h, id))).contains(name);
    }

    /**
     * Hears an event in the transaction of the write it tells of: when its owner has a webhook that wants it, queues
     * its fan-out there (the owner's events read, if need be, on the writer's connection).
     */
    @Override
    public void heard(Handle h, Events.Event event) {
        if (!EVENTS.contains(event.name())
                || !wanted.get(event.owner(), id -> store.events(h, id)).contains(event.name())) {
            return;
        }
        try {
            jobs.queue(h, EVENT_JOB, json(Map.of("event", event.name(), "owner", event.owner(),
                    "occurredAt", clock.instant(), "data", event.data().get())));
        } catch (IOException e) {
            throw new IllegalStateException("an event's data is always JSON", e);
        }
    }

    /** The caches, for metrics and for the rebuild after a lost connection to the other nodes' changes. */
    public List<Cached<?, ?>> caches() {
        return List.of(wanted);
    }

    /** One delivery per webhook that wants the event; a fan-out run again (at least once) adds none twice. */
    private void fanOut(Jobs.Job job) throws IOException {
        JsonNode event = Jackson.MAPPER.readTree(job.payload());
        String name = event.get("event").asText();
        long owner = event.get("owner").asLong();
        var fields = new LinkedHashMap<String, Object>();
        fields.put("id", job.key());
        fields.put("event", name);
        fields.put("occurredAt", event.get("occurredAt").asText());
        fields.put("data", event.get("data"));
        String body = json(fields);
        jdbi.useTransaction(h -> {
            for (var webhook : store.subscribed(h, owner, name)) {
                UUID delivery = UUID.randomUUID();
                if (store.insertDelivery(h, delivery, webhook.id(), job.key(), name, body)) {
                    jobs.queue(h, DELIVERY_JOB, "{\"delivery\": \"" + delivery + "\"}", delivery);
                }
            }
        });
    }

    private void deliver(Jobs.Job job) throws IOException {
        UUID id = UUID.fromString(Jackson.MAPPER.readTree(job.payload()).get("delivery").asText());
        record Found(WebhookStore.Delivery delivery, WebhookStore.Webhook webhook) {
        }
        var found = jdbi.withHandle(h -> store.delivery(h, id)
                .flatMap(d -> store.byId(h, d.webhookId()).map(w -> new Found(d, w))));
        if (found.isEmpty()) {
            return; // its webhook was deleted, deliveries and all
        }
        var delivery = found.get().delivery();
        var w = found.get().webhook();
        var now = clock.instant();
        var secrets = new ArrayList<>(List.of(w.secret()));
        if (w.previousSecret().isPresent() && w.previousUntil().orElseThrow().isAfter(now)) {
            secrets.add(w.previousSecret().get());
        }
        byte[] body = delivery.payload().getBytes(StandardCharsets.UTF_8);
        var post = new HttpPost(w.url());
        post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
        post.setHeader(ID_HEADER, id.toString());
        post.setHeader(EVENT_HEADER, delivery.event());
        post.setHeader(Signature.HEADER, Signature.header(body, now, secrets));
        Integer status = null;
        String error = null;
        // the whole attempt within its time, however slowly a receiver answers: the lease must outlast it
        var deadline = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(TIMEOUT);
                post.cancel();
            } catch (InterruptedException answered) {
                // in time
            }
        });
        // the status is all we read: closed unread, the answer's body (of any length) ends the connection instead
        try (var response = http().executeOpen(null, post, null)) {
            status = response.getCode();
        } catch (IOException e) {
            error = post.isCancelled() ? "no answer within " + TIMEOUT.toSeconds() + " s"
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
        } finally {
            deadline.interrupt();
        }
        boolean delivered = status != null && status >= 200 && status < 300;
        Integer answered = status;
        String failure = delivered ? null : error != null ? error : "answered " + status;
        jdbi.useHandle(h -> store.attempted(h, id, answered, failure, delivered));
        if (!delivered) {
            throw new IOException(failure);
        }
    }

    /** The deliveries' HTTP client, made at the first delivery: a node that delivers none loads none of it. */
    private synchronized CloseableHttpClient http() {
        if (http == null) {
            http = newClient();
        }
        return http;
    }

    private CloseableHttpClient newClient() {
        // the resolver refuses a host whose addresses are not all allowed: those are the ones connected to
        var connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(new SystemDefaultDnsResolver() {
                    @Override
                    public InetAddress[] resolve(String host) throws UnknownHostException {
                        InetAddress[] addresses = super.resolve(host);
                        for (InetAddress address : addresses) {
                            if (!destinations.allows(address)) {
                                throw new UnknownHostException(host + " resolves to " + address.getHostAddress()
                                        + ", where webhooks may not go (WEBHOOK_ALLOWED_NETWORKS)");
                            }
                        }
                        return addresses;
                    }
                })
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(TIMEOUT)).setSocketTimeout(Timeout.of(TIMEOUT)).build())
                .build();
        return HttpClients.custom()
                .setConnectionManager(connections)
                .disableRedirectHandling() // a redirect would be a way round the guard, and a receiver answers itself
                .disableAutomaticRetries() // the jobs retry, with back-off
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(TIMEOUT)).build())
                .setUserAgent("Conduit-Webhooks")
                .build();
    }

    private static String json(Object value) throws IOException {
        return Jackson.MAPPER.writeValueAsString(value);
    }

    private static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public synchronized void close() throws IOException {
        if (http != null) {
            http.close();
        }
    }
}
