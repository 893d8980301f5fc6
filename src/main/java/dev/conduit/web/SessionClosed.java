package dev.conduit.web;

/** A browser session was signed out: no node may take its cookie any more. */
record SessionClosed(String sessionId) {
}
