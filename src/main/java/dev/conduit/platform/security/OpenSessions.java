package dev.conduit.platform.security;

/** Which browser sessions are still signed in: signing out ends the session's token everywhere. */
@FunctionalInterface
public interface OpenSessions {
    boolean isOpen(String sessionId);
}
