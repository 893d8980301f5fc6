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
    /** How a program ended: its exit status, what it printed, and what it printed as errors. */
    record Result(int status, String output, String errors) {
        boolean succeeded() {
            return status == 0;
        }

        /** The errors, or the output when there were none: what a failure's message should quote. */
        String explanation() {
            return errors.isEmpty() ? output : errors;
        }
    }

    private Commands() {
    }

    /**
     * Runs {@code command} from {@code /} with no input, killed if it runs past {@code limit}. Output and errors
     * go to files, not pipes, so nothing needs a reader thread and nothing can block the wait for the limit.
     */
    static Result run(List<String> command, Duration limit) throws IOException {
        Path output = Files.createTempFile("conduit-command", ".out");
        Path errors = Files.createTempFile("conduit-command", ".err");
        try {
            Process process = new ProcessBuilder(command).directory(new File("/"))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(output.toFile())
                    .redirectError(errors.toFile())
                    .start();
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(command.getFirst() + " did not finish in " + limit.toSeconds() + " s: "
                        + text(errors) + " " + text(output));
            }
            return new Result(process.exitValue(), text(output), text(errors));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.getFirst(), e);
        } finally {
            Files.deleteIfExists(output);
            Files.deleteIfExists(errors);
        }
    }

    private static String text(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
    }
}
