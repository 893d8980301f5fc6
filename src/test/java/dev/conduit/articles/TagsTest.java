package dev.conduit.articles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.domain.Violations;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tag normalisation on its own, without a server. */
class TagsTest {
    @Test
    void tagsAreTrimmedAndRepeatsDroppedCaseKept() {
        assertThat(valid(List.of(" dragons ", "training", "dragons", "Dragons"))).containsExactly(
                "dragons", "training", "Dragons");
        assertThat(valid(List.of())).isEmpty();
    }

    @Test
    void blankOrOverlongTagsAreRefused() {
        assertThat(problems(List.of("ok", " "))).containsExactly("can't contain blank tags");
        assertThat(problems(List.of("t".repeat(51)))).containsExactly("tags are at most 50 characters");
        assertThat(valid(List.of(" " + "t".repeat(50) + " "))).containsExactly("t".repeat(50));
    }

    @Test
    void atMostTwentyDistinctTags() {
        var twenty = new ArrayList<String>();
        for (int i = 0; i < 20; i++) {
            twenty.add("t" + i);
        }
        var repeated = new ArrayList<>(twenty);
        repeated.addAll(twenty);
        assertThat(valid(repeated)).hasSize(20);

        twenty.add("one more");
        assertThat(problems(twenty)).containsExactly("can have at most 20 tags");
    }

    @Test
    void countsMoveOnlyForTagsGainedOrLost() {
        assertThat(Tags.deltas(List.of("kept", "lost"), List.of("kept", "gained")))
                .containsOnly(Map.entry("lost", -1), Map.entry("gained", 1));
        assertThat(Tags.deltas(List.of(), List.of("a", "b"))).containsOnly(Map.entry("a", 1), Map.entry("b", 1));
        assertThat(Tags.deltas(List.of("a"), List.of("a"))).isEmpty();
    }

    private static List<String> valid(List<String> raw) {
        var violations = new Violations();
        var tags = Tags.normalize(violations, raw);
        violations.throwIfAny();
        return tags;
    }

    private static List<String> problems(List<String> raw) {
        var violations = new Violations();
        Tags.normalize(violations, raw);
        var thrown = catchThrowableOfType(Failure.Invalid.class, violations::throwIfAny);
        assertThat(thrown).isNotNull();
        assertThat(thrown.errors()).containsOnlyKeys("tagList");
        return thrown.errors().get("tagList");
    }
}
