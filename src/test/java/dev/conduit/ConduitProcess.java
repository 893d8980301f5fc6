package dev.conduit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Conduit in a JVM of its own (this test's java and classpath, {@code dev.conduit.Main}), so that a test can kill it
 * with a signal as an operator or a crashing machine would. Its log is kept for the test's failure messages.
 */
final class ConduitProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Conduit listening on http://[^ ]+:(\\d+)/api");
    private static final Pattern DATABASE_READY = Pattern.compile("Database ready: DATABASE_URL=[^ ]+:(\\d+)/");
    // what the child needs from this environment: the rest (DATABASE_URL above all) is the test's to give
    private static final List<String> INHERITED = List.of("PATH", "HOME", "LANG", "TMPDIR");

    private final Process process;
    private final Thread logReader;
    private final StringBuffer log = new StringBuffer();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final Pattern ready;
    private final Duration startup;

    private ConduitProcess(Map<String, String> environment, List<String> javaOptions, List<String> args,
                           Pattern ready) throws IOException {
        this.ready = ready;
        var command = new ArrayList<String>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        // small: it shares the machine's cores and memory with the test's own JVM
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC"));
        command.addAll(javaOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(args);
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().retainAll(INHERITED);
        builder.environment().putAll(environment);
        long started = System.nanoTime();
        process = builder.start();
        logReader = Thread.ofVirtual().start(this::readLog);
        startup = Duration.ofNanos(awaitListening() - started);
    }

    /** Starts a Conduit with {@code environment} and returns once it listens; throws with its log if it cannot. */
    static ConduitProcess start(Map<String, String> environment) {
        return start(environment, List.of());
    }

    /** The same, with options for its JVM. */
    static ConduitProcess start(Map<String, String> environment, List<String> javaOptions) {
        try {
            return new ConduitProcess(environment, javaOptions, List.of(), LISTENING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code conduit database}: the embedded PostgreSQL alone; returns once it is ready ({@link #port} is its). */
    static ConduitProcess database(Map<String, String> environment) {
        try {
            return new ConduitProcess(environment, List.of(), List.of("database"), DATABASE_READY);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return port.join();
    }

    Api api() {
        return new Api("http://127.0.0.1:" + port() + "/api");
    }

    /** From the process's start to its "listening" line. */
    Duration startup() {
        return startup;
    }

    String log() {
        return log.toString();
    }

    /** SIGKILL: nothing of Conduit's runs after it (its embedded PostgreSQL, another process, does). */
    void kill() {
        process.toHandle().destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
    }

    /** SIGTERM: what orchestrators send to stop it. */
    void terminate() {
        // not Process.destroy(), which also closes the pipe its log comes through, losing the stop's lines
        process.toHandle().destroy();
    }

    /** Waits for the process to end (and its log to be read) and returns its exit status. */
    int awaitExit(Duration limit) {
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("Conduit did not exit within " + limit + ":\n" + log);
            }
            logReader.join(Duration.ofSeconds(5));
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops it if it still runs: SIGTERM, then SIGKILL if it has not stopped within 30 s. */
    @Override
    public void close() {
        if (process.isAlive()) {
            terminate();
            try {
                awaitExit(Duration.ofSeconds(30));
            } catch (IllegalStateException e) {
                kill();
            }
        }
    }

    /**
     * Stops the embedded PostgreSQL a killed Conduit left running on {@code dataDir} (SIGTERM: with its client gone,
     * a smart shutdown ends at once), so that the test leaves no server behind.
     */
    static void stopOrphanedPostgres(Path dataDir) {
        postmaster(dataDir).ifPresent(postmaster -> {
            postmaster.destroy();
            postmaster.onExit().completeOnTimeout(postmaster, 30, TimeUnit.SECONDS).join();
        });
    }

    /** The embedded PostgreSQL's main process, as its postmaster.pid names it, if that process lives. */
    static Optional<ProcessHandle> postmaster(Path dataDir) {
        Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void readLog() {
        try (var lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                log.append(line).append('\n');
                var listening = ready.matcher(line);
                if (listening.find()) {
                    port.complete(Integer.parseInt(listening.group(1)));
                }
            }
        } catch (IOException e) {
            // the process is gone; its exit says the rest
        }
        port.completeExceptionally(new IllegalStateException("Conduit exited before listening:\n" + log));
    }

    /** Returns when it listened. */
    private long awaitListening() {
        try {
            port.get(60, TimeUnit.SECONDS);
            return System.nanoTime();
        } catch (ExecutionException e) {
            throw (RuntimeException) e.getCause();
        } catch (TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("Conduit did not listen within 60 s:\n" + log, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
