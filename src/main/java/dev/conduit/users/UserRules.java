package dev.conduit.users;

import dev.conduit.platform.domain.Violations;
import java.util.regex.Pattern;

/**
 * What an account's fields must be. Each check adds its problems to the violations and returns the value to
 * store (trimmed; an empty bio or image is stored as none, null).
 */
final class UserRules {
    static final int MAX_USERNAME = 40;
    static final int MAX_EMAIL = 254;
    static final int MIN_PASSWORD = 8;
    static final int MAX_PASSWORD = 256;
    static final int MAX_BIO = 2_000;
    static final int MAX_IMAGE_URL = 2_000;
    /** URL-safe, and not "." or "..", which a URL path would swallow. */
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_.-]*[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern WEB_URL = Pattern.compile("(?i)https?://\\S+");

    private UserRules() {
    }

    static String username(Violations violations, String raw) {
        String username = violations.required("username", raw, MAX_USERNAME, true);
        if (username != null && !username.isBlank() && !USERNAME.matcher(username).matches()) {
            violations.add("username", "may contain only letters, digits, '_', '-' and '.', and needs a letter or digit");
        }
        return username;
    }

    static String email(Violations violations, String raw) {
        String email = violations.required("email", raw, MAX_EMAIL, true);
        if (email != null && !email.isBlank() && !EMAIL.matcher(email).matches()) {
            violations.add("email", "is invalid");
        }
        return email;
    }

    /** Passwords are kept as typed: blanks around them are part of them. */
    static String password(Violations violations, String raw) {
        String password = violations.required("password", raw, MAX_PASSWORD, false);
        if (password != null && !password.isBlank() && password.length() < MIN_PASSWORD) {
            violations.add("password", "is too short (minimum is " + MIN_PASSWORD + " characters)");
        }
        return password;
    }

    static String bio(Violations violations, String raw) {
        return violations.checkLength("bio", blankToNull(raw), MAX_BIO);
    }

    static String image(Violations violations, String raw) {
        String image = violations.checkLength("image", blankToNull(raw), MAX_IMAGE_URL);
        if (image != null && !WEB_URL.matcher(image).matches()) {
            violations.add("image", "must be an http or https URL");
        }
        return image;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
