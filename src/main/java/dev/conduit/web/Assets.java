package dev.conduit.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The pages' static files (class path {@code web/}: Conduit's own, and under {@code vendor/} those of the npm
 * packages the build installed), read once. Each is served under a name that carries a hash of its content
 * ({@code conduit.3f2a9c1b.css}), so browsers may keep it a year: a changed file is a new name. The files a stylesheet
 * loads ({@code url(...)}: fonts) are found and renamed the same way, and the stylesheet rewritten to name them. Text
 * files are gzipped once, here. All that is done at the first use, or by {@link #prepare} once the node listens, not
 * before: it took the start ~90 ms of its main thread, and the API never needs it.
 */
public final class Assets {
    /** The URL path every asset is served under. */
    public static final String PREFIX = "/assets/";
    private static final String ROOT = "web/";
    private static final Pattern CSS_URL = Pattern.compile("url\\((['\"]?)([^'\")]+)\\1\\)");
    private static final Map<String, String> TYPES = Map.of(
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "svg", "image/svg+xml",
            "woff2", "font/woff2",
            "woff", "font/woff",
            "ttf", "font/ttf");

    /** One file: its hashed name, type, bytes, and the same gzipped (null: not worth it). */
    public record Asset(String name, String type, byte[] bytes, byte[] gzipped) {
    }

    private final List<String> entries;
    private volatile Files files;

    /**
     * The files at {@code entries} (paths under {@code web/}) and what their stylesheets name; each entry must be on
     * the class path (checked now: a build without its npm step does not start).
     */
    public static Assets of(List<String> entries) {
        for (String entry : entries) {
            if (Assets.class.getClassLoader().getResource(ROOT + entry) == null) {
                throw new IllegalStateException("web/" + entry
                        + " is not on the class path (did the build's npm step run?)");
            }
        }
        return new Assets(List.copyOf(entries));
    }

    private Assets(List<String> entries) {
        this.entries = entries;
    }

    /** Reads, renames and gzips the files now, unless done already: then the first page need not wait for it. */
    public void prepare() {
        files();
    }

    /** The URL of the asset at {@code path} (under {@code web/}); an unknown path is a bug in a template. */
    public String url(String path) {
        String url = files().urls.get(path);
        if (url == null) {
            throw new IllegalArgumentException("no such asset: " + path);
        }
        return url;
    }

    /** The asset served as {@code name} (the part of the URL after {@link #PREFIX}). */
    public Optional<Asset> find(String name) {
        return Optional.ofNullable(files().byName.get(name));
    }

    private Files files() {
        var loaded = files;
        if (loaded == null) {
            synchronized (this) {
                loaded = files;
                if (loaded == null) {
                    loaded = new Files();
                    for (String entry : entries) {
                        loaded.add(entry);
                    }
                    files = loaded;
                }
            }
        }
        return loaded;
    }

    /** The files read: each one's URL by its path, and each one by its hashed name. */
    private static final class Files {
        private final Map<String, String> urls = new HashMap<>();
        private final Map<String, Asset> byName = new HashMap<>();

        /** Loads {@code path} (and, for a stylesheet, first what it names); returns its URL, or null if none. */
        private String add(String path) {
            if (urls.containsKey(path)) {
                return urls.get(path);
            }
            byte[] bytes = read(path);
            if (bytes == null) {
                return null;
            }
            String extension = path.substring(path.lastIndexOf('.') + 1);
            String type = TYPES.get(extension);
            if (type == null) {
                throw new IllegalArgumentException("no content type known for asset " + path);
            }
            if (extension.equals("css")) {
                bytes = withHashedUrls(path, new String(bytes, StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8);
            }
            String name = path.substring(0, path.length() - extension.length()) + hash(bytes) + "." + extension;
            boolean text = type.startsWith("text/") || extension.equals("svg");
            byName.put(name, new Asset(name, type, bytes, text ? gzip(bytes) : null));
            String url = PREFIX + name;
            urls.put(path, url);
            return url;
        }

        /** {@code css} with each {@code url(...)} that names a file of ours replaced by that file's hashed URL. */
        private String withHashedUrls(String cssPath, String css) {
            String folder = cssPath.substring(0, cssPath.lastIndexOf('/') + 1);
            Matcher matcher = CSS_URL.matcher(css);
            var out = new StringBuilder(css.length());
            while (matcher.find()) {
                String reference = matcher.group(2);
                String file = reference.replaceAll("[?#].*$", "");
                String url = reference.startsWith("data:") || reference.contains("//") || file.isEmpty()
                        ? null : add(resolve(folder, file));
                // a file the build did not copy (an old browser's font format) keeps its reference, and 404s
                matcher.appendReplacement(out,
                        Matcher.quoteReplacement(url == null ? matcher.group() : "url(" + url + ")"));
            }
            matcher.appendTail(out);
            return out.toString();
        }
    }

    private static String resolve(String folder, String relative) {
        var parts = new java.util.ArrayDeque<String>();
        for (String part : (folder + relative).split("/")) {
            switch (part) {
                case "", "." -> { }
                case ".." -> parts.pollLast();
                default -> parts.addLast(part);
            }
        }
        return String.join("/", parts);
    }

    private static byte[] read(String path) {
        try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(ROOT + path)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * 32 bits of the content, as many as the names carried when they were a SHA-256's first four bytes: a name need
     * only change with its file, and nobody forges our own files. CRC32 is the JDK's native zlib code; SHA-256 of the
     * ~470 KB of fonts and stylesheets took a cold JVM ~40 ms.
     */
    private static String hash(byte[] bytes) {
        var crc = new CRC32();
        crc.update(bytes);
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }

    private static byte[] gzip(byte[] bytes) {
        var out = new ByteArrayOutputStream(bytes.length / 3 + 64);
        try (var gzip = new GZIPOutputStream(out) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] gzipped = out.toByteArray();
        return gzipped.length < bytes.length * 0.9 ? gzipped : null;
    }
}
