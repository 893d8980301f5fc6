package dev.conduit.platform.limits;

/** The per-client rate limits, each per client address ({@code ...PerAddress}) or per account. */
public record ClientLimits(RateLimit loginPerAddress, RateLimit registrationPerAddress, RateLimit writesPerAddress,
                           RateLimit writesPerAccount) {
}
