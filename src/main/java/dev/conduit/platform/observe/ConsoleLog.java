package dev.conduit.platform.observe;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.time.Duration;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * Where every log line goes: standard error, as text or JSON ({@code LOG_FORMAT}). JUL's console handler flushes
 * after each record, a system call per line; at tens of thousands of access lines a second that is a cost, so
 * here access lines wait in the buffer for at most {@link #FLUSH_EVERY} (or until it fills), and every other line
 * is written at once, with whatever access lines came before it.
 */
public final class ConsoleLog extends StreamHandler {
    static final Duration FLUSH_EVERY = Duration.ofMillis(200);

    /** The formats {@code LOG_FORMAT} names. */
    public enum Format {
        TEXT, JSON;

        public static Format parse(String name) {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        }

        Formatter formatter() {
            return this == JSON ? new JsonLogFormatter() : new TextLogFormatter();
        }
    }

    private ConsoleLog(Formatter formatter) {
        super(new FileOutputStream(FileDescriptor.err), formatter);
        // the loggers' levels decide (StreamHandler's own default is INFO)
        setLevel(Level.ALL);
    }

    /** Makes this handler, in {@code format}, the root logger's only one; levels stay as configured. */
    public static void install(Format format) {
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
            handler.close();
        }
        var console = new ConsoleLog(format.formatter());
        root.addHandler(console);
        Thread.ofVirtual().name("log-flush").start(() -> {
            while (true) {
                try {
                    Thread.sleep(FLUSH_EVERY);
                } catch (InterruptedException e) {
                    return;
                }
                console.flush();
            }
        });
    }

    @Override
    public void publish(LogRecord record) {
        super.publish(record);
        if (AccessLog.entryOf(record) == null) {
            flush();
        }
    }
}
