package dev.conduit.web;

/** A browser session was signed out, or its expiry moved: caches of it drop it, and read it again if asked. */
record SessionChanged(String sessionId) {
}
