package dev.conduit.platform;

import java.util.logging.LogManager;

/**
 * JUL's own shutdown hook resets every handler, racing Conduit's hook, whose last lines ("stopped") would be
 * lost. Once logging is configured, this manager ignores resets, so the handlers live until the JVM exits.
 */
public final class ShutdownSafeLogManager extends LogManager {
    private static volatile boolean configured;

    public static void configured() {
        configured = true;
    }

    @Override
    public void reset() {
        if (!configured) {
            super.reset();
        }
    }
}
