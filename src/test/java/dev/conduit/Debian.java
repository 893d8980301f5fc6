package dev.conduit;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Debian packages a test needs, installed when it finds them missing, so that a fresh machine (and CI) gets them. */
public final class Debian {
    private Debian() {
    }

    public static synchronized void install(String... packages) {
        run(List.of("apt-get", "update", "-qq"));
        run(java.util.stream.Stream.concat(List.of("apt-get", "install", "-y", "-qq").stream(),
                java.util.Arrays.stream(packages)).toList());
    }

    private static void run(List<String> command) {
        try {
            var builder = new ProcessBuilder(command).inheritIO();
            builder.environment().putAll(Map.of("DEBIAN_FRONTEND", "noninteractive"));
            var process = builder.start();
            if (!process.waitFor(15, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + " could not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
