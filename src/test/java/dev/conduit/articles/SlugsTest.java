package dev.conduit.articles;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SlugsTest {
    @Test
    void titlesBecomeLowerCaseAsciiWords() {
        assertThat(Slugs.base("How to Train Your Dragon")).isEqualTo("how-to-train-your-dragon");
        assertThat(Slugs.base("  Ünïcode & Co: 2024!  ")).isEqualTo("unicode-co-2024");
        assertThat(Slugs.base("a".repeat(200))).hasSize(80);
    }

    @Test
    void emptyAndReservedSlugsAreReplaced() {
        assertThat(Slugs.base("日本語")).isEqualTo("article");
        assertThat(Slugs.base("!!!")).isEqualTo("article");
        assertThat(Slugs.base("Feed")).isEqualTo("feed-article");
    }

    @Test
    void suffixesAreRandom() {
        assertThat(Slugs.withSuffix("x")).matches("x-[a-z0-9]{6}").isNotEqualTo(Slugs.withSuffix("x"));
    }
}
