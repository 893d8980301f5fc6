package dev.conduit.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import dev.conduit.platform.domain.Failure;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    @Test
    void hashesAreArgon2idAtOwaspParametersWithAFreshSaltEach() {
        var hasher = new PasswordHasher(1);

        String first = hasher.hash("correct horse");
        String second = hasher.hash("correct horse");

        assertThat(first).startsWith("$argon2id$v=19$m=7168,t=5,p=1$").isNotEqualTo(second);
        assertThat(hasher.matches("correct horse", first)).isTrue();
        assertThat(hasher.matches("correct horse", second)).isTrue();
        assertThat(hasher.matches("Correct horse", first)).isFalse();
        assertThat(hasher.matchesNothing("correct horse")).isFalse();
    }

    @Test
    void anUnknownAccountCostsOneVerificationOfTheParametersARealHashHas() {
        var hasher = new PasswordHasher(1);
        String real = hasher.hash("correct horse");
        String[] decoy = hasher.decoy().split("\\$");
        String[] stored = real.split("\\$");

        // "", algorithm, version, m/t/p: the same; salt and hash of the same lengths, the decoy's its own
        assertThat(Arrays.copyOf(decoy, 4)).containsExactly(Arrays.copyOf(stored, 4));
        assertThat(decoy).hasSize(6).hasSameSizeAs(stored);
        assertThat(Base64.getDecoder().decode(decoy[4])).hasSameSizeAs(Base64.getDecoder().decode(stored[4]))
                .isNotEqualTo(Base64.getDecoder().decode(stored[4]));
        assertThat(Base64.getDecoder().decode(decoy[5])).hasSameSizeAs(Base64.getDecoder().decode(stored[5]));
        assertThat(Argon2Function.getInstanceFromHash(hasher.decoy()))
                .isSameAs(Argon2Function.getInstanceFromHash(real));

        long before = hasher.computed();
        assertThat(hasher.matches("wrong horse", real)).isFalse();
        long wrongPassword = hasher.computed() - before;
        assertThat(hasher.matchesNothing("correct horse")).isFalse();
        long unknownAccount = hasher.computed() - before - wrongPassword;

        assertThat(unknownAccount).isEqualTo(wrongPassword).isOne();
        assertThat(new PasswordHasher(1).decoy()).as("each hasher its own salt").isNotEqualTo(hasher.decoy());
    }

    @Test
    void hashesMadeWithOtherParametersStillMatch() {
        String older = Password.hash("correct horse").addRandomSalt(16)
                .with(Argon2Function.getInstance(19_456, 2, 1, 32, Argon2.ID))
                .getResult();

        assertThat(older).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(new PasswordHasher(1).matches("correct horse", older)).isTrue();
    }

    @Test
    void whenEveryHasherStaysBusyTheCallerIsToldToRetryAndNothingLeaks() throws InterruptedException {
        var permits = new Semaphore(1);
        var hasher = new PasswordHasher(permits, Duration.ofMillis(20));
        String hash = hasher.hash("password123");

        permits.acquire(); // the one hasher is busy for longer than a caller waits
        try {
            assertThatThrownBy(() -> hasher.hash("password123")).isInstanceOf(Failure.Overloaded.class);
            assertThatThrownBy(() -> hasher.matches("password123", hash)).isInstanceOf(Failure.Overloaded.class);
            assertThatThrownBy(() -> hasher.matchesNothing("password123")).isInstanceOf(Failure.Overloaded.class);
            assertThat(permits.availablePermits()).isZero();
        } finally {
            permits.release();
        }

        assertThat(hasher.matches("password123", hash)).isTrue();
        assertThat(permits.availablePermits()).isOne();
    }
}
