package dev.conduit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** What Maven wrote into the jar: the version, and the git commit it was built from ("unknown" outside git). */
record Build(String version, String commit) {
    static Build current() {
        var properties = new Properties();
        try (InputStream in = Build.class.getResourceAsStream("/conduit-build.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Build(known(properties.getProperty("version")), known(properties.getProperty("commit")));
    }

    /** A property Maven could not fill stays "${...}". */
    private static String known(String value) {
        return value == null || value.isBlank() || value.startsWith("${") ? "unknown" : value;
    }
}
