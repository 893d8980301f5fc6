package dev.conduit.platform.observe;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per answered request, on the logger {@value #NAME} (level INFO; set it to OFF in a logging
 * configuration, or ACCESS_LOG=off, to drop them). The line is rendered by the handler's formatter, text or JSON,
 * from the {@link Entry} the record carries as its only parameter.
 */
public final class AccessLog {
    public static final String NAME = "conduit.access";
    private static final Logger LOGGER = Logger.getLogger(NAME);

    /**
     * What the line says: {@code bytes} of the answer, headers included (as Helidon counts them); {@code nanos}
     * from the request's start to its answer's last byte handed to the socket.
     */
    public record Entry(RequestRecord request, int status, long bytes, long nanos) {
    }

    private final boolean enabled;

    public AccessLog(boolean enabled) {
        this.enabled = enabled;
    }

    public void log(RequestRecord request, int status, long bytes, long nanos) {
        if (enabled && LOGGER.isLoggable(Level.INFO)) {
            var record = new LogRecord(Level.INFO, "access");
            record.setLoggerName(NAME);
            record.setParameters(new Object[] {new Entry(request, status, bytes, nanos)});
            LOGGER.log(record);
        }
    }

    /** The entry a record carries, if it is an access line. */
    static Entry entryOf(LogRecord record) {
        Object[] parameters = record.getParameters();
        return parameters != null && parameters.length == 1 && parameters[0] instanceof Entry entry ? entry : null;
    }
}
