package dev.conduit.platform.observe;

import java.util.logging.Level;

/** What both log formats share: level names and the escaping of text a client chose. */
final class LogLevels {
    private LogLevels() {
    }

    /**
     * The names log pipelines know (ERROR, WARN, INFO, DEBUG, TRACE; SLF4J's and System.Logger's levels) rather
     * than JUL's (SEVERE, FINE...).
     */
    static String name(Level level) {
        int value = level.intValue();
        if (value >= Level.SEVERE.intValue()) {
            return "ERROR";
        } else if (value >= Level.WARNING.intValue()) {
            return "WARN";
        } else if (value >= Level.INFO.intValue()) {
            return "INFO";
        } else if (value >= Level.FINE.intValue()) {
            return "DEBUG";
        }
        return "TRACE";
    }

    /** Control characters replaced: a crafted path must not forge log lines. */
    static String printable(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                return text.replaceAll("\\p{Cntrl}", "?");
            }
        }
        return text;
    }
}
