package dev.conduit.platform.db;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the external programs the embedded database needs (initdb, pg_ctl, id, useradd), with a time limit. */
final class Commands {
    /** How a program ended: its exit status and everything it printed (output and errors together). */
    record Result(int status, String output) {
        boolean succeeded() {
            return status == 0;
        }
    }

    private Commands() {
    }

    /**
     * Runs {@code command} from {@code /} with no input, killed if it runs past {@code limit}. What it prints goes
     * to a file, not a pipe: a server that pg_ctl starts in the background inherits the output and would keep a
     * pipe open long after pg_ctl itself has exited.
     */
    static Result run(List<String> command, Duration limit) throws IOException {
        Path output = Files.createTempFile("conduit-command", ".out");
        try {
            Process process = new ProcessBuilder(command).directory(new File("/"))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(command.getFirst() + " did not finish in " + limit.toSeconds() + " s");
            }
            return new Result(process.exitValue(), new String(Files.readAllBytes(output), StandardCharsets.UTF_8).strip());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.getFirst(), e);
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
