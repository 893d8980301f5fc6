package dev.conduit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Graceful stop under load (issue 8, item 5a): clients send reads and writes at a fixed rate over keep-alive
 * connections while the Conduit process gets SIGTERM. Every request sent on a connection the server took up gets
 * its answer, and no answer is a 5xx. Once the port has closed, connecting is refused, which is allowed; so is a
 * reset of a connection made in the instant the port closed, which the server never took up (the kernel resets
 * those still waiting to be accepted): the server's log, which names each connection it takes up, tells them apart.
 * Plain sockets, so that nothing retries a request behind the test's back.
 */
class GracefulStopTest {
    private static final int CLIENTS = 4;
    /** Per client: 160 requests a second in all. */
    private static final Duration INTERVAL = Duration.ofMillis(25);
    private static final Pattern ACCEPTED = Pattern.compile("accepted socket from [^\\s:]+:(\\d+)");

    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger closedAfterAnswer = new AtomicInteger();
    /** The local ports of the connections that got an answer: every one was taken up. */
    private final Set<Integer> answeredPorts = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    /** Local port → what failed on a new connection before any answer: the server may never have taken it up. */
    private final Map<Integer, String> failedUnanswered = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);

    @Test
    void aSigtermUnderLoadFailsNoRequestTheServerTookUp() throws Exception {
        Path dataDir = TestServer.newDataDir();
        var env = new HashMap<>(TestServer.embeddedEnvironment(dataDir));
        env.put("SHUTDOWN_DRAIN_SECONDS", "1");
        Path logging = connectionLogging();
        String log;
        try (var server = ConduitProcess.start(env, List.of("-Djava.util.logging.config.file=" + logging))) {
            var api = server.api();
            var user = api.register("steady");
            var slugs = List.of(api.createArticle(user, Api.unique("Steady one"), List.of("steady")),
                    api.createArticle(user, Api.unique("Steady two"), List.of()));
            var address = new InetSocketAddress("127.0.0.1", server.port());
            try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < CLIENTS; i++) {
                    var requests = requests(user.token(), slugs.get(i % slugs.size()));
                    clients.submit(() -> send(address, requests));
                }
                Thread.sleep(1_500);
                int before = answered.get();
                long terminated = System.nanoTime();
                server.terminate();
                int exit = server.awaitExit(Duration.ofSeconds(30));
                long stopped = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - terminated);
                // a little longer: every client meets the closed port
                Thread.sleep(300);
                running.set(false);
                System.out.printf("answered %d requests before SIGTERM, %d in all, on %d connections (%d closed by"
                        + " the server after an answer); exit %d %d ms after SIGTERM; then %d connects refused%n",
                        before, answered.get(), answeredPorts.size(), closedAfterAnswer.get(), exit, stopped,
                        refused.get());
            }
            log = server.log();
        } finally {
            ConduitProcess.stopOrphanedPostgres(dataDir);
            TestServer.deleteTree(dataDir);
            Files.delete(logging);
        }
        assertThat(log).contains("Conduit stopped");
        var takenUp = ACCEPTED.matcher(log).results().map(m -> Integer.parseInt(m.group(1)))
                .collect(Collectors.toSet());
        assertThat(takenUp).as("the log names every connection the server took up").containsAll(answeredPorts);
        var notTakenUp = failedUnanswered.entrySet().stream().filter(failed -> !takenUp.contains(failed.getKey()))
                .map(Map.Entry::getValue).toList();
        failedUnanswered.keySet().stream().filter(takenUp::contains).map(failedUnanswered::get)
                .forEach(failures::add);
        System.out.printf("reset as the port closed, never taken up by the server: %s; failures: %s%n", notTakenUp,
                failures);
        assertThat(failures).isEmpty();
        assertThat(closedAfterAnswer).as("the drain closed connections after their answers").hasPositiveValue();
        assertThat(refused).as("clients went on until the port closed").hasPositiveValue();
    }

    /**
     * Conduit's levels, and Helidon's line for each connection it takes up ("accepted socket from host:port"),
     * in a file for {@code java.util.logging.config.file}.
     */
    private static Path connectionLogging() throws IOException {
        try (InputStream levels = Main.class.getResourceAsStream("/logging.properties")) {
            Path file = Files.createTempFile("conduit-logging", ".properties");
            Files.write(file, levels.readAllBytes());
            Files.writeString(file, """
                    handlers=java.util.logging.ConsoleHandler
                    java.util.logging.ConsoleHandler.level=ALL
                    java.util.logging.SimpleFormatter.format=%1$tT.%1$tL %4$s [%3$s] %5$s%6$s%n
                    io.helidon.webserver.ConnectionHandler.level=FINE
                    """, StandardOpenOption.APPEND);
            return file;
        }
    }

    /** A request and the status it must get. */
    private record Request(String method, String path, String body, String token, int expected) {
    }

    /** A mix of reads (7 in 10), writes (favorite, unfavorite, comment) and a 404. */
    private static List<Request> requests(String token, String slug) {
        String article = "/api/articles/" + slug;
        return List.of(
                new Request("GET", "/api/articles?limit=10", null, null, 200),
                new Request("GET", article, null, token, 200),
                new Request("POST", article + "/favorite", null, token, 200),
                new Request("GET", "/api/tags", null, null, 200),
                new Request("GET", article + "/comments", null, null, 200),
                new Request("GET", "/api/articles?limit=10", null, token, 200),
                new Request("POST", article + "/comments", "{\"comment\":{\"body\":\"steady\"}}", token, 201),
                new Request("GET", article, null, null, 200),
                new Request("DELETE", article + "/favorite", null, token, 200),
                new Request("GET", "/api/profiles/nobody-by-that-name", null, null, 404));
    }

    /**
     * One client: a request every {@link #INTERVAL} on its connection, a new connection after an answer that said
     * {@code Connection: close} (or a failure), until the test ends.
     */
    private void send(InetSocketAddress address, List<Request> requests) {
        Connection connection = null;
        long next = System.nanoTime();
        for (int i = 0; running.get(); i++) {
            next += INTERVAL.toNanos();
            sleepUntil(next);
            var request = requests.get(i % requests.size());
            String name = request.method() + " " + request.path();
            if (connection == null) {
                try {
                    connection = Connection.open(address);
                } catch (ConnectException e) {
                    refused.incrementAndGet();
                    continue;
                } catch (IOException e) {
                    failures.add(name + ": connecting: " + e);
                    continue;
                }
            }
            try {
                var answer = connection.exchange(request);
                answered.incrementAndGet();
                answeredPorts.add(connection.localPort());
                if (answer.status() != request.expected()) {
                    failures.add(name + " answered " + answer.status());
                }
                if (answer.closes()) {
                    closedAfterAnswer.incrementAndGet();
                    connection.close();
                    connection = null;
                }
            } catch (IOException e) {
                if (connection.answered == 0) {
                    failedUnanswered.put(connection.localPort(), name + ": " + e + " on a new connection");
                } else {
                    failures.add(name + ": " + e + " on a connection that had answered " + connection.answered);
                }
                connection.close();
                connection = null;
            }
        }
        if (connection != null) {
            connection.close();
        }
    }

    private record Answer(int status, boolean closes) {
    }

    /** One keep-alive HTTP/1.1 connection. */
    private static final class Connection {
        private final Socket socket;
        private final String host;
        private final InputStream in;
        private int answered;

        private Connection(Socket socket, String host) throws IOException {
            this.socket = socket;
            this.host = host;
            this.in = new BufferedInputStream(socket.getInputStream());
        }

        static Connection open(InetSocketAddress address) throws IOException {
            var socket = new Socket();
            try {
                socket.setSoTimeout(10_000);
                socket.setTcpNoDelay(true);
                socket.connect(address, 1_000);
                return new Connection(socket, address.getHostString() + ":" + address.getPort());
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        }

        int localPort() {
            return socket.getLocalPort();
        }

        /** Writes the request and reads its whole answer (a Content-Length or chunked body). */
        Answer exchange(Request request) throws IOException {
            byte[] body = request.body() == null ? new byte[0] : request.body().getBytes(StandardCharsets.UTF_8);
            var head = new StringBuilder()
                    .append(request.method()).append(' ').append(request.path()).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(host).append("\r\n")
                    .append("Content-Length: ").append(body.length).append("\r\n");
            if (request.token() != null) {
                head.append("Authorization: Token ").append(request.token()).append("\r\n");
            }
            if (body.length > 0) {
                head.append("Content-Type: application/json\r\n");
            }
            var out = socket.getOutputStream();
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();

            int status = Integer.parseInt(line().split(" ")[1]);
            long length = 0;
            boolean chunked = false;
            boolean closes = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring("content-length:".length()).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    closes = true;
                }
            }
            if (chunked) {
                for (long size = chunkSize(); size > 0; size = chunkSize()) {
                    in.skipNBytes(size);
                    line();
                }
                line();
            } else {
                in.skipNBytes(length);
            }
            answered++;
            return new Answer(status, closes);
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private long chunkSize() throws IOException {
            return Long.parseLong(line().split(";")[0].trim(), 16);
        }

        private String line() throws IOException {
            var line = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("the server closed the connection before answering in full");
                }
                line.write(b);
            }
            return line.toString(StandardCharsets.US_ASCII).stripTrailing();
        }
    }

    private static void sleepUntil(long nanoTime) {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
