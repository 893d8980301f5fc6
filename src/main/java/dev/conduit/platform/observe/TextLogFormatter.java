package dev.conduit.platform.observe;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * {@code 2026-12-04T16:00:00.123 INFO    [logger] message request=<id>}: local time, one line per record (a stack
 * trace follows on its own lines). A line written while a request is served names that request.
 */
public final class TextLogFormatter extends Formatter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS");

    /** The time zone, read at the first line: reading it loads the zone rules (~8 ms of a cold JVM's start). */
    private static final class Zone {
        static final ZoneId LOCAL = ZoneId.systemDefault();
    }

    @Override
    public String format(LogRecord record) {
        var line = new StringBuilder(160);
        TIME.formatTo(LocalDateTime.ofInstant(record.getInstant(), Zone.LOCAL), line);
        line.append(' ').append(LogLevels.name(record.getLevel()));
        line.repeat(' ', Math.max(1, 8 - LogLevels.name(record.getLevel()).length()));
        line.append('[').append(record.getLoggerName()).append("] ");
        var entry = AccessLog.entryOf(record);
        RequestRecord request;
        if (entry != null) {
            request = entry.request();
            appendAccess(line, entry);
        } else {
            request = RequestRecord.current();
            line.append(formatMessage(record));
        }
        if (request != null) {
            line.append(" request=").append(request.id());
            if (request.traceId() != null) {
                line.append(" trace=").append(request.traceId());
            }
        }
        line.append(System.lineSeparator());
        if (record.getThrown() != null) {
            var trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }

    /** {@code GET /api/articles/x 200 1.234 ms 512 B route=/api/articles/{slug} user=42 sql=2} */
    private static void appendAccess(StringBuilder line, AccessLog.Entry entry) {
        var request = entry.request();
        line.append(request.method()).append(' ').append(LogLevels.printable(request.path())).append(' ')
                .append(entry.status()).append(' ');
        long micros = entry.nanos() / 1_000;
        line.append(micros / 1_000).append('.');
        long fraction = micros % 1_000;
        if (fraction < 100) {
            line.append(fraction < 10 ? "00" : "0");
        }
        line.append(fraction).append(" ms ").append(entry.bytes()).append(" B route=")
                .append(request.route() == null ? "none" : request.route());
        if (request.userId() != 0) {
            line.append(" user=").append(request.userId());
        }
        line.append(" sql=").append(request.statements());
    }
}
