package dev.conduit;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A Redis server of a test's own (Debian's redis-server, installed when missing) on a free loopback port, keeping
 * nothing on disk; {@link #stop()} and {@link #restart()} for the tests of what its loss does.
 */
public final class RedisServer implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/redis-server");
    /** What the servers said, for a test that failed. */
    private static final Path LOG = Path.of("target/redis-server.log");

    private final int port;
    private Process process;

    private RedisServer(int port) {
        this.port = port;
    }

    public static RedisServer start() {
        if (!Files.isExecutable(BINARY)) {
            Debian.install("redis-server");
        }
        // below Linux's ephemeral range (32768-60999): a free port from there may be some connection's by the time
        // redis binds it (the tests open thousands)
        var random = new Random();
        for (int attempt = 1; ; attempt++) {
            var server = new RedisServer(20_000 + random.nextInt(12_000));
            try {
                server.restart();
                return server;
            } catch (IllegalStateException taken) {
                if (attempt == 5) {
                    throw taken;
                }
            }
        }
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts it (again, on the same port) and returns once it accepts connections. */
    public synchronized void restart() {
        try {
            process = new ProcessBuilder(List.of(BINARY.toString(), "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(LOG.toFile()))
                    .redirectErrorStream(true)
                    .start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                // a PING answered: a bare connect may succeed before redis listens (a socket connected to itself)
                try (var probe = new Socket("127.0.0.1", port)) {
                    probe.setSoTimeout(1000);
                    probe.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                    byte[] answer = probe.getInputStream().readNBytes(7);
                    // and from this process: another redis may answer on a port this one could not bind
                    if ("+PONG\r\n".equals(new String(answer, StandardCharsets.US_ASCII)) && process.isAlive()) {
                        return;
                    }
                    throw new IOException("not redis yet");
                } catch (IOException notYet) {
                    if (!process.isAlive() || System.nanoTime() > deadline) {
                        throw new IllegalStateException("redis-server did not start on port " + port + " (" + LOG + ")");
                    }
                    Thread.sleep(20);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** How many keys match {@code pattern} (Redis's KEYS: fine for a test's few). */
    public long keys(String pattern) {
        try (var socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            byte[] arg = pattern.getBytes(StandardCharsets.UTF_8);
            socket.getOutputStream().write(("*2\r\n$4\r\nKEYS\r\n$" + arg.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(arg);
            socket.getOutputStream().write("\r\n".getBytes(StandardCharsets.US_ASCII));
            // the answer starts "*N\r\n": N keys follow
            var in = socket.getInputStream();
            var head = new StringBuilder();
            for (int b = in.read(); b != '\r'; b = in.read()) {
                head.append((char) b);
            }
            return Long.parseLong(head.substring(1));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public synchronized void stop() {
        process.destroy();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
