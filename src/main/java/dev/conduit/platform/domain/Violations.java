package dev.conduit.platform.domain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Collects every field problem of a request, so the client hears about all of them at once. */
public final class Violations {
    private static final String BLANK = "can't be blank";

    private final Map<String, List<String>> errors = new LinkedHashMap<>();

    public Violations add(String field, String message) {
        var messages = errors.computeIfAbsent(field, f -> new ArrayList<>());
        if (!messages.contains(message)) {
            messages.add(message);
        }
        return this;
    }

    /** A required text: blank is an error; returns it trimmed when {@code trim}. */
    public String required(String field, String value, int maxLength, boolean trim) {
        if (value == null || value.isBlank()) {
            add(field, BLANK);
            return value;
        }
        return checkLength(field, trim ? value.strip() : value, maxLength);
    }

    public String checkLength(String field, String value, int maxLength) {
        if (value != null && value.length() > maxLength) {
            add(field, "is too long (maximum is " + maxLength + " characters)");
        }
        return value;
    }

    /** Throws {@link Failure.Invalid} with everything collected, if anything was. */
    public void throwIfAny() {
        if (!errors.isEmpty()) {
            throw new Failure.Invalid(Collections.unmodifiableMap(errors));
        }
    }
}
