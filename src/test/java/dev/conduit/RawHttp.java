package dev.conduit;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** HTTP/1.1 over a plain socket, for {@link FuzzTest}: requests go out byte for byte, answers come back as they are. */
final class RawHttp {
    private RawHttp() {
    }

    /** An HTTP/1.1 answer as it came; {@code failure} says why there was none. */
    record Reply(int status, Map<String, String> headers, byte[] body, String failure) {
        String text() {
            return new String(body, UTF_8);
        }

        String header(String name) {
            return headers.getOrDefault(name, "");
        }

        /** The body as JSON; a missing node when it is not JSON. */
        JsonNode json() {
            try {
                return body.length == 0 ? FuzzTest.JSON.missingNode() : FuzzTest.JSON.readTree(body);
            } catch (IOException e) {
                return FuzzTest.JSON.missingNode();
            }
        }
    }

    /**
     * The request's bytes. The request line and headers are as given (ISO-8859-1), so a malformed target reaches
     * the server unchanged, which no HTTP client library allows.
     */
    static byte[] request(String method, String target, List<Map.Entry<String, String>> headers, byte[] body) {
        var head = new StringBuilder(method).append(' ').append(target)
                .append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        headers.forEach(header -> head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n"));
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        var request = new ByteArrayOutputStream();
        request.writeBytes(head.append("\r\n").toString().getBytes(ISO_8859_1));
        if (body != null) {
            request.writeBytes(body);
        }
        return request.toByteArray();
    }

    /** One exchange on a connection of its own, the answer read by its framing (the server may keep it open). */
    static Reply exchange(int port, byte[] request, boolean head) {
        try (var socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            try {
                socket.getOutputStream().write(request);
            } catch (IOException e) {
                // the server may close a connection it refused before reading all of it; its answer came first
            }
            return readReply(new BufferedInputStream(socket.getInputStream()), head);
        } catch (IOException | RuntimeException e) {
            return new Reply(0, Map.of(), new byte[0], "no readable answer: " + e);
        }
    }

    private static Reply readReply(InputStream in, boolean head) throws IOException {
        int status;
        var headers = new HashMap<String, String>();
        do { // past any interim answer (100 Continue)
            status = Integer.parseInt(line(in).split(" ")[1]);
            headers.clear();
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                int colon = header.indexOf(':');
                headers.put(header.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        header.substring(colon + 1).strip());
            }
        } while (status / 100 == 1);
        byte[] body;
        if (head || status == 204 || status == 304) {
            body = new byte[0];
        } else if (headers.getOrDefault("transfer-encoding", "").equalsIgnoreCase("chunked")) {
            var chunks = new ByteArrayOutputStream();
            for (int size = chunkSize(in); size > 0; size = chunkSize(in)) {
                chunks.write(in.readNBytes(size));
                line(in);
            }
            body = chunks.toByteArray();
        } else if (headers.containsKey("content-length")) {
            int length = Integer.parseInt(headers.get("content-length"));
            body = in.readNBytes(length);
            if (body.length < length) {
                return new Reply(0, headers, body, "answer cut short: " + body.length + " of " + length + " bytes");
            }
        } else {
            body = in.readAllBytes();
        }
        if (headers.getOrDefault("content-encoding", "").equals("gzip")) {
            try (InputStream gzipped = new GZIPInputStream(new ByteArrayInputStream(body))) {
                body = gzipped.readAllBytes();
            }
        }
        return new Reply(status, headers, body, null);
    }

    private static int chunkSize(InputStream in) throws IOException {
        return Integer.parseInt(line(in).split(";")[0].strip(), 16);
    }

    /** One CRLF-ended line of the answer's head, without its CRLF. */
    private static String line(InputStream in) throws IOException {
        var line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the answer ended mid-line: " + line.toString(ISO_8859_1));
            }
            line.write(b);
        }
        return line.toString(ISO_8859_1).stripTrailing();
    }

    /** Bytes as text: printable ASCII as it is, {@code \\ \r \n \t}, other bytes {@code \xHH}; a line after \n. */
    static String escape(byte[] bytes, int limit) {
        var out = new StringBuilder();
        int i = 0;
        for (; i < bytes.length && out.length() < limit; i++) {
            int b = bytes[i] & 0xFF;
            switch (b) {
                case '\\' -> out.append("\\\\");
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n\n    ");
                case '\t' -> out.append("\\t");
                default -> out.append(b >= 0x20 && b < 0x7F ? String.valueOf((char) b) : String.format("\\x%02X", b));
            }
        }
        return i < bytes.length ? out + "... (" + (bytes.length - i) + " more bytes)" : out.toString().stripTrailing();
    }
}
