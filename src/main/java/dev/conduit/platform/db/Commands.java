package dev.conduit.platform.db;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Waits for the external programs the embedded database needs (initdb, pg_ctl, id, useradd), with a limit. */
final class Commands {
    private Commands() {
    }

    /** The exit status of {@code process}, killed if it runs past {@code limit}. */
    static int exitStatus(Process process, String name, Duration limit) throws IOException {
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(name + " did not finish in " + limit.toSeconds() + " s");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + name, e);
        }
    }
}
