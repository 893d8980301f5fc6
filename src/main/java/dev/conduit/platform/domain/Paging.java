package dev.conduit.platform.domain;

import java.util.Optional;

/** Which slice of a list to return: {@code limit} (default 20) items after skipping {@code offset}. */
public record Paging(int limit, int offset) {
    private static final int DEFAULT_LIMIT = 20;
    private static final IntRange LIMITS = new IntRange(1, 100);
    private static final IntRange OFFSETS = new IntRange(0, 1_000_000);

    /** From the values a client sent (absent or blank: the default); any other value is a violation naming it. */
    public static Paging of(Optional<String> limit, Optional<String> offset) {
        var violations = new Violations();
        int l = read(violations, "limit", limit, DEFAULT_LIMIT, LIMITS);
        int o = read(violations, "offset", offset, 0, OFFSETS);
        violations.throwIfAny();
        return new Paging(l, o);
    }

    private static int read(Violations violations, String name, Optional<String> raw, int fallback, IntRange range) {
        if (raw.isEmpty() || raw.get().isBlank()) {
            return fallback;
        }
        var value = range.parse(raw.get());
        if (value.isEmpty()) {
            violations.add(name, "must be " + range);
        }
        return value.orElse(fallback);
    }
}
