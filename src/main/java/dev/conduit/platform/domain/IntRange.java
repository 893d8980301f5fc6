package dev.conduit.platform.domain;

import java.util.OptionalInt;

/** The integers from {@code min} to {@code max}, and how to read one written in decimal. */
public record IntRange(int min, int max) {
    /** The value {@code text} writes (blanks around it allowed), or empty when it is no integer in this range. */
    public OptionalInt parse(String text) {
        try {
            int value = Integer.parseInt(text.strip());
            return value >= min && value <= max ? OptionalInt.of(value) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** What a value must be, as an error message says it: "an integer from 1 to 100". */
    @Override
    public String toString() {
        return "an integer from " + min + " to " + max;
    }
}
