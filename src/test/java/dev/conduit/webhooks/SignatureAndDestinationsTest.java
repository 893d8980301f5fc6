package dev.conduit.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.platform.limits.AddressRange;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignatureAndDestinationsTest {
    private static final byte[] BODY = "{\"event\":\"comment.created\"}".getBytes(StandardCharsets.UTF_8);
    private static final Instant SENT = Instant.parse("2026-12-06T06:00:00Z");

    @Test
    void aReceiverVerifiesTheBodyWithEitherSecretWithinItsTolerance() {
        String header = Signature.header(BODY, SENT, List.of("new-secret", "old-secret"));
        assertThat(header).startsWith("t=" + SENT.getEpochSecond() + ",v1=").contains(",v1=");
        var tolerance = Duration.ofMinutes(5);
        assertThat(Signature.verify(header, BODY, "new-secret", SENT.plusSeconds(10), tolerance)).isTrue();
        assertThat(Signature.verify(header, BODY, "old-secret", SENT.plusSeconds(10), tolerance)).isTrue();
        assertThat(Signature.verify(header, BODY, "other", SENT, tolerance)).as("another secret").isFalse();
        byte[] altered = "{\"event\":\"comment.deleted\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(Signature.verify(header, altered, "new-secret", SENT, tolerance)).as("an altered body").isFalse();
        assertThat(Signature.verify(header, BODY, "new-secret", SENT.plusSeconds(301), tolerance)).as("a replay")
                .isFalse();
        String retimed = header.replace("t=" + SENT.getEpochSecond(), "t=" + (SENT.getEpochSecond() + 60));
        assertThat(Signature.verify(retimed, BODY, "new-secret", SENT, tolerance)).as("the time is signed").isFalse();
        assertThat(Signature.verify("nonsense", BODY, "new-secret", SENT, tolerance)).isFalse();
    }

    @Test
    void deliveriesGoOnlyToPublicAddressesUnlessAnOperatorAllowsARange() throws Exception {
        var destinations = new Destinations(List.of());
        for (String refused : List.of("127.0.0.1", "::1", "0.0.0.0", "10.1.2.3", "172.16.0.1", "192.168.1.1",
                "169.254.169.254", "fe80::1", "fd00::1", "100.64.0.1", "224.0.0.1", "::ffff:10.0.0.1",
                "::ffff:127.0.0.1")) {
            assertThat(destinations.allows(InetAddress.getByName(refused))).as(refused).isFalse();
        }
        for (String allowed : List.of("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "8.8.8.8")) {
            assertThat(destinations.allows(InetAddress.getByName(allowed))).as(allowed).isTrue();
        }
        var lab = new Destinations(List.of(AddressRange.parse("10.20.0.0/16")));
        assertThat(lab.allows(InetAddress.getByName("10.20.3.4"))).isTrue();
        assertThat(lab.allows(InetAddress.getByName("10.21.3.4"))).isFalse();
    }
}
