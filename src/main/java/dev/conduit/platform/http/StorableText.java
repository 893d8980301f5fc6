package dev.conduit.platform.http;

import dev.conduit.platform.domain.Failure;

/** PostgreSQL text holds neither NUL nor half of a surrogate pair (it would store "?" silently). */
final class StorableText {
    private StorableText() {
    }

    /** {@code value}, or a {@link Failure.Invalid} naming {@code field} when the database could not store it. */
    static String check(String field, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\0') {
                throw new Failure.Invalid(field, "must not contain NUL characters");
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < value.length()
                        && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                } else {
                    throw new Failure.Invalid(field, "must be valid Unicode text");
                }
            }
        }
        return value;
    }
}
