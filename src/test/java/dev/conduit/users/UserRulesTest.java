package dev.conduit.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.domain.Violations;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** The account rules on their own, without a server. */
class UserRulesTest {
    @Test
    void usernamesAreTrimmedUrlSafeAndNeedALetterOrDigit() {
        assertThat(valid(UserRules::username, "  jake.smith-2_  ")).isEqualTo("jake.smith-2_");
        assertThat(valid(UserRules::username, "J")).isEqualTo("J");
        for (String bad : List.of("has space", "a/b", "é", ".", "..", "-_.", "%2e")) {
            assertThat(problems(UserRules::username, bad)).as(bad).containsExactly(
                    "may contain only letters, digits, '_', '-' and '.', and needs a letter or digit");
        }
        assertThat(problems(UserRules::username, "u".repeat(41))).containsExactly("is too long (maximum is 40 characters)");
        assertThat(valid(UserRules::username, "u".repeat(40))).hasSize(40);
    }

    @Test
    void emailsNeedANameADomainAndADot() {
        assertThat(valid(UserRules::email, " jake@example.com ")).isEqualTo("jake@example.com");
        for (String bad : List.of("jake", "jake@example", "@example.com", "ja ke@example.com", "a@b@c.d")) {
            assertThat(problems(UserRules::email, bad)).as(bad).containsExactly("is invalid");
        }
        String longest = "a".repeat(254 - "@example.com".length()) + "@example.com";
        assertThat(valid(UserRules::email, longest)).isEqualTo(longest);
        assertThat(problems(UserRules::email, "a" + longest)).containsExactly("is too long (maximum is 254 characters)");
    }

    @Test
    void passwordsAreEightTo256CharactersKeptAsTyped() {
        assertThat(valid(UserRules::password, " 8 chars")).isEqualTo(" 8 chars");
        assertThat(problems(UserRules::password, "7 chars")).containsExactly("is too short (minimum is 8 characters)");
        assertThat(problems(UserRules::password, "p".repeat(257))).containsExactly("is too long (maximum is 256 characters)");
        assertThat(valid(UserRules::password, "p".repeat(256))).hasSize(256);
    }

    @Test
    void requiredFieldsMayNotBeBlankOrMissing() {
        for (BiFunction<Violations, String, String> rule : List.<BiFunction<Violations, String, String>>of(
                UserRules::username, UserRules::email, UserRules::password)) {
            assertThat(problems(rule, null)).containsExactly("can't be blank");
            assertThat(problems(rule, " \t")).containsExactly("can't be blank");
        }
    }

    @Test
    void emptyBioAndImageMeanNoneAndImagesAreWebUrls() {
        assertThat(valid(UserRules::bio, "  ")).isNull();
        assertThat(valid(UserRules::bio, " I write ")).isEqualTo("I write");
        assertThat(problems(UserRules::bio, "b".repeat(2_001))).containsExactly("is too long (maximum is 2000 characters)");
        assertThat(valid(UserRules::image, "")).isNull();
        assertThat(valid(UserRules::image, "HTTPS://example.com/me.png")).isEqualTo("HTTPS://example.com/me.png");
        for (String bad : List.of("javascript:alert(1)", "ftp://example.com/a", "//example.com/a", "http://a b")) {
            assertThat(problems(UserRules::image, bad)).as(bad).containsExactly("must be an http or https URL");
        }
    }

    private static String valid(BiFunction<Violations, String, String> rule, String raw) {
        var violations = new Violations();
        String value = rule.apply(violations, raw);
        violations.throwIfAny();
        return value;
    }

    /** The messages the rule gives for {@code raw}, all under one field. */
    private static List<String> problems(BiFunction<Violations, String, String> rule, String raw) {
        var violations = new Violations();
        rule.apply(violations, raw);
        var thrown = catchThrowableOfType(Failure.Invalid.class, violations::throwIfAny);
        assertThat(thrown).as("violations for '" + raw + "'").isNotNull();
        Map<String, List<String>> errors = thrown.errors();
        assertThat(errors).hasSize(1);
        return errors.values().iterator().next();
    }
}
