package dev.conduit;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conduit.platform.http.ClientAddresses;
import dev.conduit.platform.limits.AddressRange;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Per-client limits, on servers whose proxy (127.0.0.1, where the tests connect from) is trusted: each test says
 * which client it speaks for in X-Forwarded-For, so every test has addresses of its own. The requests go round robin
 * over the servers a variant starts: one keeping its buckets in itself, or two sharing theirs (in the database, in
 * Redis).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RateLimitsContract {
    /** Addresses unique across the variants: their buckets may share one database. */
    private static final AtomicInteger ADDRESSES = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();
    private final int size;
    private final Map<String, String> store;
    private final List<TestServer.Own> nodes = new ArrayList<>();
    private final AtomicInteger turn = new AtomicInteger();

    /** {@code size} servers, keeping their buckets where the variables {@code store} say. */
    RateLimitsContract(int size, Map<String, String> store) {
        this.size = size;
        this.store = store;
    }

    @BeforeAll
    void start() {
        var env = new HashMap<>(store);
        env.put("TRUSTED_PROXIES", "127.0.0.1");
        env.put("RATE_LIMIT_EXEMPT", "none");
        env.put("RATE_LIMIT_LOGIN", "3/h");
        env.put("RATE_LIMIT_LOGIN_FAILURES", "2/h");
        env.put("RATE_LIMIT_REGISTRATION", "2/h");
        env.put("RATE_LIMIT_WRITES", "6/h");
        env.put("RATE_LIMIT_WRITES_PER_ACCOUNT", "3/h");
        env.put("MAX_CONNECTIONS_PER_ADDRESS", "2");
        for (int i = 0; i < size; i++) {
            nodes.add(TestServer.start(env));
        }
    }

    @AfterAll
    void stop() {
        try {
            // a shared store that failed would have let requests through unseen: none did
            boolean shared = !"local".equals(store.get("RATE_LIMIT_STORE"));
            for (var node : nodes) {
                String scrape = new Api("http://127.0.0.1:" + node.app().managementPort()).get("/metrics").body();
                var unanswered = scrape.lines().filter(line -> line.startsWith("conduit_ratelimit_unanswered_total "));
                assertThat(unanswered.toList()).hasSize(shared ? 1 : 0).allMatch(line -> line.endsWith(" 0.0"));
            }
        } finally {
            nodes.forEach(TestServer.Own::close);
        }
    }

    /** Rows of the database's bucket table for {@code address} (its shared buckets, when they are there). */
    static long bucketRows(String address) {
        return TestServer.database().withHandle(h -> h.createQuery(
                        "select count(*) from rate_limit_buckets where id like :suffix")
                .bind("suffix", "% " + address)
                .mapTo(Long.class)
                .one());
    }

    /** The next server's API, round robin. */
    Api api() {
        return new Api("http://127.0.0.1:" + nodes.get(turn.getAndIncrement() % nodes.size()).app().port() + "/api");
    }

    @Test
    void loginsPerAddressAreLimitedAnd429SaysWhenToRetry() {
        var user = register(newAddress());
        String address = newAddress();
        for (int i = 0; i < 3; i++) {
            assertThat(login(address, user.email(), user.password()).status()).isEqualTo(200);
        }
        var refused = login(address, user.email(), user.password());
        assertThrottled(refused, "address");
        // 3 an hour: the next token is back within 20 minutes
        assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 1200L);
        assertThat(login(newAddress(), user.email(), user.password()).status()).isEqualTo(200);
    }

    @Test
    void failedLoginsSlowTheirEmailDownFromEveryAddressButNotOtherEmails() {
        var user = register(newAddress());
        var other = register(newAddress());
        assertThat(login(newAddress(), user.email(), "wrong-password").status()).isEqualTo(401);
        assertThat(login(newAddress(), user.email(), "wrong-password").status()).isEqualTo(401);
        // even the right password waits: the guesser cannot tell a right guess from a refused one
        assertThrottled(login(newAddress(), user.email(), user.password()), "email");
        assertThrottled(login(newAddress(), user.email().toUpperCase(), "wrong-password"), "email");
        assertThat(login(newAddress(), other.email(), other.password()).status()).isEqualTo(200);
    }

    @Test
    void registrationsPerAddressAreLimited() {
        String address = newAddress();
        register(address);
        register(address);
        String name = Api.unique("third");
        var refused = api().raw("POST", "/users", json(wrap("user", "username", name, "email", name + "@example.com",
                "password", "password123")), Map.of("X-Forwarded-For", address, "Content-Type", "application/json"));
        assertThrottled(refused, "address");
        assertThat(api().get("/profiles/" + name).status()).as("nothing stored").isEqualTo(404);
    }

    @Test
    void writesAreLimitedPerAccountAndPerAddressAndReadsAreNot() {
        var author = register(newAddress());
        String slug = article(newAddress(), author, 201);
        article(newAddress(), author, 201);
        article(newAddress(), author, 201);
        String address = newAddress();
        assertThrottled(write(address, author, slug), "account");
        var reader = register(newAddress());
        for (int i = 0; i < 10; i++) {
            assertThat(api().raw("GET", "/articles/" + slug, null, Map.of("X-Forwarded-For", address)).status())
                    .isEqualTo(200);
        }
        // six writes an hour from one address, whoever sends them (the refused one above counted too)
        for (int i = 0; i < 4; i++) {
            assertThat(write(address, register(newAddress()), slug).status()).isEqualTo(200);
        }
        assertThat(write(address, reader, slug).status()).isEqualTo(200);
        assertThrottled(write(address, reader, slug), "address");
    }

    @Test
    void writesRacingFromOneAddressGetItsTokensAndNoMore() throws Exception {
        var author = register(newAddress());
        String slug = article(newAddress(), author, 201);
        var readers = IntStream.range(0, 12).mapToObj(i -> register(newAddress())).toList();
        String address = newAddress();
        var statuses = new ConcurrentLinkedQueue<Integer>();
        var go = new CountDownLatch(1);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (var reader : readers) {
                threads.submit(() -> {
                    go.await();
                    return statuses.add(write(address, reader, slug).status());
                });
            }
            go.countDown();
        }
        // six writes an hour from one address, however many servers they were sent to at once
        assertThat(statuses).hasSize(12).containsOnly(200, 429);
        assertThat(statuses.stream().filter(status -> status == 200)).hasSize(6);
    }

    @Test
    void forwardedForCountsOnlyFromTrustedProxiesAndItsLastUntrustedHop() throws Exception {
        var addresses = new ClientAddresses(java.util.List.of(AddressRange.parse("10.0.0.0/8"),
                AddressRange.parse("fd00::/8")));
        assertThat(addresses.isTrusted(InetAddress.getByName("10.1.2.3"))).isTrue();
        assertThat(addresses.isTrusted(InetAddress.getByName("11.1.2.3"))).isFalse();
        assertThat(addresses.isTrusted(InetAddress.getByName("fd12::1"))).isTrue();
        assertThat(addresses.isTrusted(InetAddress.getByName("fe80::1"))).isFalse();
        assertThat(AddressRange.parse("192.168.1.0/23").contains(InetAddress.getByName("192.168.0.9")))
                .isTrue();
        assertThat(AddressRange.parse("192.168.1.0/24").contains(InetAddress.getByName("192.168.0.9")))
                .isFalse();

        // through the trusted proxy, a client's forged first hop does not name the bucket: the last one does
        var user = register(newAddress());
        String real = newAddress();
        for (int i = 0; i < 3; i++) {
            assertThat(login(newAddress() + ", " + real, user.email(), user.password()).status()).isEqualTo(200);
        }
        assertThrottled(login("192.0.2.1, " + real, user.email(), user.password()), "address");
        assertThrottled(login(real + ", 127.0.0.1", user.email(), user.password()), "address");
    }

    @Test
    void oneAddressMayNotHoldMoreThanItsConnections() throws Exception {
        // these come from 127.0.0.1 itself, the trusted proxy: never capped
        try (var a = served("127.0.0.1"); var b = served("127.0.0.1"); var c = served("127.0.0.1")) {
            assertThat(c.isConnected()).isTrue();
        }
        try (var a = served("127.0.0.2"); var b = served("127.0.0.2"); var c = opened("127.0.0.2")) {
            assertThat(status(c)).isEqualTo(429);
            assertThat(c.getInputStream().read()).as("closed after the refusal").isEqualTo(-1);
            try (var other = served("127.0.0.3")) {
                assertThat(other.isConnected()).isTrue();
            }
            b.close();
            Thread.sleep(200); // the server sees the close
            try (var d = served("127.0.0.2")) {
                assertThat(d.isConnected()).isTrue();
            }
        }
    }

    static String newAddress() {
        int n = ADDRESSES.incrementAndGet();
        return "198.51." + (100 + n / 250) + "." + (1 + n % 250);
    }

    Api.User register(String address) {
        String name = Api.unique("limited");
        var response = api().raw("POST", "/users", json(wrap("user", "username", name, "email", name + "@example.com",
                "password", "password123")), Map.of("X-Forwarded-For", address));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return new Api.User(name, name + "@example.com", "password123", response.text("/user/token"));
    }

    private Api.Response login(String forwardedFor, String email, String password) {
        return api().raw("POST", "/users/login", json(wrap("user", "email", email, "password", password)),
                Map.of("X-Forwarded-For", forwardedFor));
    }

    private String article(String address, Api.User author, int expected) {
        var response = api().raw("POST", "/articles", json(wrap("article", "title", Api.unique("Limited"),
                "description", "d", "body", "b", "tagList", java.util.List.of())),
                Map.of("X-Forwarded-For", address, "Authorization", "Token " + author.token()));
        assertThat(response.status()).as(response.body()).isEqualTo(expected);
        return response.text("/article/slug");
    }

    private Api.Response write(String address, Api.User user, String slug) {
        return api().raw("POST", "/articles/" + slug + "/favorite", null,
                Map.of("X-Forwarded-For", address, "Authorization", "Token " + user.token()));
    }

    private static void assertThrottled(Api.Response response, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(429);
        assertThat(response.at("/errors/" + field + "/0").asText()).startsWith("too many requests, retry in ");
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A connection from {@code local} that sent one request and read its answer's status line. */
    private Socket served(String local) throws Exception {
        var socket = opened(local);
        assertThat(status(socket)).isEqualTo(200);
        return socket;
    }

    /** A connection from {@code local} with one request sent. */
    private Socket opened(String local) throws Exception {
        var socket = new Socket("127.0.0.1", nodes.get(0).app().port(), InetAddress.getByName(local), 0);
        socket.getOutputStream().write("GET /api/tags HTTP/1.1\r\nHost: localhost\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    /** Reads an answer's head and body (by Content-Length) and returns its status. */
    private static int status(Socket socket) throws Exception {
        InputStream in = socket.getInputStream();
        var head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return -1;
            }
            head.append((char) b);
        }
        var length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        if (length.find()) {
            in.readNBytes(Integer.parseInt(length.group(1)));
        }
        return Integer.parseInt(head.substring(9, 12));
    }
}
