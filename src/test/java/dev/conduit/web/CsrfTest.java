package dev.conduit.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Form tokens: bound to what the cookie names, keyed by the JWT secret, the previous one accepted while rotated out. */
class CsrfTest {
    private static final byte[] OLD = "the-previous-secret-long-enough-for-hmac-sha256".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NEW = "the-current-secret-long-enough-for-hmac-sha-256".getBytes(StandardCharsets.UTF_8);

    @Test
    void aTokenIsAcceptedForItsOwnBindingOnly() {
        var csrf = new Csrf(List.of(NEW));
        String token = csrf.token("session a");
        assertThat(csrf.accepts("session a", token)).isTrue();
        assertThat(csrf.accepts("session b", token)).isFalse();
        assertThat(csrf.accepts("session a", token.substring(1))).isFalse();
        assertThat(csrf.accepts("session a", null)).isFalse();
        assertThat(csrf.accepts(null, token)).isFalse();
    }

    @Test
    void formsMadeBeforeARotationAreAcceptedWhileThePreviousSecretIs() {
        String before = new Csrf(List.of(OLD)).token("session a");
        assertThat(new Csrf(List.of(NEW, OLD)).accepts("session a", before)).isTrue();
        assertThat(new Csrf(List.of(NEW)).accepts("session a", before)).isFalse();
        assertThat(new Csrf(List.of(NEW, OLD)).token("session a")).isEqualTo(new Csrf(List.of(NEW)).token("session a"));
    }
}
