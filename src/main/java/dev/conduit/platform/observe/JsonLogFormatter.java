package dev.conduit.platform.observe;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One JSON object per line, with Elastic Common Schema field names (dotted keys, as the ECS logging libraries
 * write them), so that Filebeat, Fluent Bit, Vector or Loki read it without a parsing rule:
 * {@code @timestamp} (UTC), {@code log.level}, {@code log.logger}, {@code message}, {@code process.thread.name},
 * {@code http.request.id}, {@code user.id}, and {@code trace.id} and {@code span.id} when traced, while a request
 * is served; {@code error.type},
 * {@code error.message} and {@code error.stack_trace} with an exception. An access line adds
 * {@code event.dataset: conduit.access}, {@code http.request.method}, {@code url.path}, {@code http.route} (from
 * OpenTelemetry's names; ECS has none), {@code http.response.status_code}, {@code http.response.bytes} (headers included),
 * {@code event.duration} (nanoseconds, as ECS has it) and {@code conduit.sql.statements}.
 */
public final class JsonLogFormatter extends Formatter {
    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public String format(LogRecord record) {
        var out = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("@timestamp", record.getInstant().toString());
            json.writeStringField("log.level", LogLevels.name(record.getLevel()));
            json.writeStringField("log.logger", record.getLoggerName());
            var entry = AccessLog.entryOf(record);
            RequestRecord request = entry != null ? entry.request() : RequestRecord.current();
            if (entry != null) {
                json.writeStringField("message", request.method() + " " + LogLevels.printable(request.path())
                        + " " + entry.status());
                json.writeStringField("event.dataset", AccessLog.NAME);
                json.writeStringField("http.request.method", request.method());
                json.writeStringField("url.path", request.path());
                if (request.route() != null) {
                    json.writeStringField("http.route", request.route());
                }
                json.writeNumberField("http.response.status_code", entry.status());
                json.writeNumberField("http.response.bytes", entry.bytes());
                json.writeNumberField("event.duration", entry.nanos());
                json.writeNumberField("conduit.sql.statements", request.statements());
            } else {
                json.writeStringField("message", formatMessage(record));
            }
            String thread = Thread.currentThread().getName();
            if (!thread.isEmpty()) {
                json.writeStringField("process.thread.name", thread);
            }
            if (request != null) {
                json.writeStringField("http.request.id", request.id());
                if (request.userId() != 0) {
                    json.writeStringField("user.id", Long.toString(request.userId()));
                }
                if (request.traceId() != null) {
                    json.writeStringField("trace.id", request.traceId());
                    json.writeStringField("span.id", request.spanId());
                }
            }
            Throwable thrown = record.getThrown();
            if (thrown != null) {
                json.writeStringField("error.type", thrown.getClass().getName());
                json.writeStringField("error.message", thrown.getMessage());
                var trace = new StringWriter();
                thrown.printStackTrace(new PrintWriter(trace));
                json.writeStringField("error.stack_trace", trace.toString());
            }
            json.writeStringField("ecs.version", "1.6.0");
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.append(System.lineSeparator()).toString();
    }
}
