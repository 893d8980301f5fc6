package dev.conduit.platform.http;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.zip.Adler32;
import java.util.zip.CRC32C;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Content negotiation for the JSON answers and the pages: gzip when accepted, entity tags and If-None-Match, in
 * {@link #send}; their own cache headers are the callers'.
 */
final class Encodings {
    static final Header GZIPPED = HeaderValues.createCached(HeaderNames.CONTENT_ENCODING, "gzip");
    /** Below this, gzip's header and the CPU cost more than the bytes saved. */
    static final int COMPRESS_FROM = 1024;
    /**
     * Sizes from which a body is sent as it is ({@link #sendLong}), at the cost of a second write to the socket,
     * rather than through Helidon's send, which allocates about four times the body. For a page from 4 KB + 1 (all
     * but its first byte then fill Helidon's 4 KB output buffer at least, and go to the socket without it): a kept
     * page's view allocated ~54 KB, ~14 KB so, and at 1,089 pages/s G1 paused every ~6 s instead of ~2 s. For JSON
     * from 32 KB: streamed from 4 KB, {@code list} took 27 % more CPU per request (side by side, two runs each), the
     * allocation being cheaper at saturation than the second write.
     */
    static final int STREAM_PAGES_FROM = 4 * 1024 + 1;
    static final int STREAM_JSON_FROM = 32 * 1024;

    private Encodings() {
    }

    /**
     * The first {@code size} of {@code body} with {@code status}, gzipped when the client accepts it and it is large
     * enough to gain.
     * {@code tagged}: a 200 to a GET carries a strong ETag of its bytes, and is a 304 without body when the client
     * already holds them ({@code If-None-Match}). {@code streamFrom}: the size from which it is streamed.
     */
    static void send(ServerRequest req, ServerResponse res, Status status, Header contentType, byte[] body, int size,
                     boolean tagged, int streamFrom) {
        boolean gzip = size >= COMPRESS_FROM && acceptsGzip(req.headers());
        if (tagged && status == Status.OK_200 && req.prologue().method() == Method.GET) {
            String etag = etag(body, size, gzip);
            res.header(HeaderNames.ETAG, etag);
            if (req.headers().first(HeaderNames.IF_NONE_MATCH).map(tags -> matches(tags, etag)).orElse(false)) {
                res.status(Status.NOT_MODIFIED_304).send();
                return;
            }
        }
        res.status(status).header(contentType);
        if (gzip) {
            res.header(GZIPPED).send(gzip(body, size));
        } else if (size < streamFrom) {
            res.send(body, 0, size);
        } else {
            sendLong(res, body, size);
        }
    }

    /**
     * A body sent without Helidon's copies. Its send copies the array it is given (a slice: always), then again behind
     * the headers, into a buffer sized for 256 bytes of them (ours are longer, so it grows to twice the body's size);
     * so does the first write to its output stream. Later writes
     * of at least its 4 KB buffer go to the socket as they are, and return once written (its write queue is off). So
     * the first write is one byte, and the rest goes out from a pooled copy of it that starts at index 0: Helidon 4.4
     * sends {@code offset + length} bytes of a write that starts further into its array (FixedBufferData.writeTo).
     */
    private static void sendLong(ServerResponse res, byte[] body, int size) {
        res.headers().contentLength(size);
        AnswerBuffer rest = AnswerBuffer.render(out -> out.write(body, 1, size - 1));
        try (OutputStream out = res.outputStream()) {
            out.write(body, 0, 1);
            out.write(rest.bytes(), 0, rest.size());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the client went away: Helidon closes the connection
        } finally {
            rest.releaseToPool();
        }
    }

    /** Whether {@code Accept-Encoding} lists gzip (or {@code *}) without {@code q=0}. */
    static boolean acceptsGzip(Headers headers) {
        for (String value : headers.values(HeaderNames.ACCEPT_ENCODING)) {
            for (String coding : value.split(",")) {
                String[] parts = coding.split(";");
                String name = parts[0].strip().toLowerCase(Locale.ROOT);
                if ((name.equals("gzip") || name.equals("*")) && !refused(parts)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A strong entity tag of the JSON bytes: their length, CRC32C and Adler-32 (96 bits, both checksums done by
     * CPU instructions; MD5 cost 5 % of a list request's CPU). A fingerprint, not a security boundary: a client
     * can only fool its own cache. The gzipped representation gets its own tag.
     */
    static String etag(byte[] json, int length, boolean gzip) {
        var crc = new CRC32C();
        crc.update(json, 0, length);
        var adler = new Adler32();
        adler.update(json, 0, length);
        return "\"" + Integer.toHexString(length) + "-" + Long.toHexString(crc.getValue()) + "-"
                + Long.toHexString(adler.getValue()) + (gzip ? "-gz\"" : "\"");
    }

    /** Whether an {@code If-None-Match} value names {@code etag} (weak comparison, as RFC 9110 asks). */
    static boolean matches(String ifNoneMatch, String etag) {
        for (String tag : ifNoneMatch.split(",")) {
            String candidate = tag.strip();
            if (candidate.startsWith("W/")) {
                candidate = candidate.substring(2);
            }
            if (candidate.equals("*") || candidate.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The first {@code length} of {@code bytes}, gzipped at the fastest level: on a LAN the CPU matters more than
     * the last few percent of size.
     */
    private static byte[] gzip(byte[] bytes, int length) {
        var out = new ByteArrayOutputStream(length / 4 + 64);
        try (var gzip = new GZIPOutputStream(out, 8192) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            gzip.write(bytes, 0, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static boolean refused(String[] parameters) {
        for (int i = 1; i < parameters.length; i++) {
            String parameter = parameters[i].strip().toLowerCase(Locale.ROOT).replace(" ", "");
            if (parameter.matches("q=0(\\.0{0,3})?")) {
                return true;
            }
        }
        return false;
    }
}
