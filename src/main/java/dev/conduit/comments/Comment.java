package dev.conduit.comments;

import dev.conduit.profiles.Profile;
import java.time.Instant;

public record Comment(long id, Instant createdAt, Instant updatedAt, String body, Profile author) {
}
