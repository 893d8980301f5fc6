package dev.conduit.articles;

import java.text.Normalizer;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/** URL names for articles: the title in lower-case ASCII words, plus a random suffix when that is taken. */
final class Slugs {
    private static final int MAX_BASE = 80;
    private static final String SUFFIX_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";

    private Slugs() {
    }

    /** "Ünïcode & Co: 2024!" becomes "unicode-co-2024". */
    static String base(String title) {
        String ascii = Normalizer.normalize(title, Normalizer.Form.NFKD).replaceAll("\\p{M}+", "");
        String slug = ascii.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        if (slug.length() > MAX_BASE) {
            slug = slug.substring(0, MAX_BASE);
        }
        slug = slug.replaceAll("^-+|-+$", "");
        // "feed" is a route of its own (/articles/feed); a title with no ASCII letters still needs a name.
        return switch (slug) {
            case "" -> "article";
            case "feed" -> "feed-article";
            default -> slug;
        };
    }

    static String withSuffix(String base) {
        var random = ThreadLocalRandom.current();
        var suffix = new StringBuilder(base.length() + 7).append(base).append('-');
        for (int i = 0; i < 6; i++) {
            suffix.append(SUFFIX_CHARS.charAt(random.nextInt(SUFFIX_CHARS.length())));
        }
        return suffix.toString();
    }
}
