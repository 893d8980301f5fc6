package dev.conduit;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The random choices of one {@link FuzzTest} try. Every draw comes from one {@link SplittableRandom} made from the
 * run's seed and the try's number, so that a try draws the same requests when it runs alone.
 */
final class Fuzz {
    private static final List<Long> LONG_EDGES = List.of(0L, 1L, -1L, (long) Integer.MAX_VALUE,
            (long) Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE);
    private static final List<Double> DOUBLE_EDGES = List.of(0.0, -0.0, 1.0, -1.0, 0.5, Double.MIN_VALUE,
            Double.MAX_VALUE, -Double.MAX_VALUE);
    /** Units to repeat up to a length: one, two (é, 中) and four (😀) bytes of UTF-8, a space, BEL and NUL. */
    private static final List<String> UNITS = List.of("a", "\u00e9", "\u4e2d", "\uD83D\uDE00", " ", "\u0007",
            "\u0000");
    private static final String ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private final SplittableRandom random;

    private Fuzz(SplittableRandom random) {
        this.random = random;
    }

    /** Try {@code number} (from 1) of the run seeded with {@code seed}: the number-th value of the seed's sequence. */
    static Fuzz forTry(long seed, int number) {
        var seeds = new SplittableRandom(seed);
        long trySeed = 0;
        for (int i = 0; i < number; i++) {
            trySeed = seeds.nextLong();
        }
        return new Fuzz(new SplittableRandom(trySeed));
    }

    /** A weighted option: {@code value} made only if chosen. */
    record Choice<T>(int weight, Supplier<? extends T> value) {
    }

    static <T> Choice<T> choice(int weight, T value) {
        return new Choice<>(weight, () -> value);
    }

    static <T> Choice<T> drawn(int weight, Supplier<? extends T> value) {
        return new Choice<>(weight, value);
    }

    /** One of the options, each as likely as its weight says. */
    @SafeVarargs
    final <T> T oneOf(Choice<? extends T>... options) {
        return oneOf(List.of(options));
    }

    <T> T oneOf(List<? extends Choice<? extends T>> options) {
        int total = options.stream().mapToInt(Choice::weight).sum();
        int ticket = random.nextInt(total);
        for (var option : options) {
            ticket -= option.weight();
            if (ticket < 0) {
                return option.value().get();
            }
        }
        throw new IllegalStateException("weights changed while drawing");
    }

    @SafeVarargs
    final <T> T pick(T... values) {
        return values[random.nextInt(values.length)];
    }

    <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** Between {@code min} and {@code max}, both included. */
    int between(int min, int max) {
        return random.nextInt(min, max + 1);
    }

    /** Between 0 and {@code max}, half the time an edge (0, 1, {@code max}) or a small value. */
    int edgeBiased(int max) {
        return oneOf(drawn(1, () -> pick(0, 1, max)), drawn(1, () -> between(0, 10)), drawn(2, () -> between(0, max)));
    }

    boolean chance(double probability) {
        return random.nextDouble() < probability;
    }

    /** A length up to {@code max}, short ones likelier (the smaller of two draws). */
    int size(int max) {
        return Math.min(between(0, max), between(0, max));
    }

    /** Any long, its edges (0, ±1, the int and long limits) one time in four. */
    long anyLong() {
        return chance(0.25) ? pick(LONG_EDGES) : chance(0.5) ? random.nextLong(-1_000, 1_000) : random.nextLong();
    }

    /** Any finite double, its edges (zeros, ±1, the smallest and largest) one time in four. */
    double anyDouble() {
        return chance(0.25) ? pick(DOUBLE_EDGES) : (random.nextDouble() - 0.5) * Math.pow(10, between(-10, 300));
    }

    /** A word of ASCII letters and digits and {@code extra}, between {@code min} and {@code max} characters. */
    String word(int min, int max, String extra) {
        String alphabet = ALPHANUMERIC + extra;
        var word = new StringBuilder();
        for (int length = between(min, max); word.length() < length; ) {
            word.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return word.toString();
    }

    /** A string of a length at or just past a limit (0, min - 1, min, max, max + 1) of one repeated unit. */
    String aroundLimits(int min, int max) {
        int length = pick(0, Math.max(min - 1, 0), min, max, max + 1);
        String unit = pick(UNITS);
        return unit.repeat(length / unit.length() + 1).substring(0, length);
    }

    /** Up to 40 code points: ASCII, controls (NUL too), the rest of the BMP, lone surrogates, astral ones. */
    String oddText() {
        var text = new StringBuilder();
        for (int n = size(40); n > 0; n--) {
            text.appendCodePoint(oneOf(
                    drawn(5, () -> between(0x20, 0x7E)),
                    drawn(1, () -> between(0, 0x1F)),
                    drawn(2, () -> between(0x80, 0xFFFF)),
                    drawn(1, () -> between(0xD800, 0xDFFF)),
                    drawn(1, () -> between(0x10000, 0x10FFFF))));
        }
        return text.toString();
    }

    byte[] bytes(int maxSize) {
        byte[] bytes = new byte[between(0, maxSize)];
        random.nextBytes(bytes);
        return bytes;
    }
}
