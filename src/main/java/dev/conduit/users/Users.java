package dev.conduit.users;

import dev.conduit.platform.db.Constraints;
import dev.conduit.platform.http.ApiException;
import dev.conduit.platform.http.Violations;
import dev.conduit.platform.security.PasswordHasher;
import dev.conduit.platform.security.Tokens;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/** Accounts: registration, login, the current user and its changes. */
public final class Users {
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

    private final Jdbi jdbi;
    private final UserStore store;
    private final PasswordHasher hasher;
    private final Tokens tokens;

    public Users(Jdbi jdbi, PasswordHasher hasher, Tokens tokens) {
        this.jdbi = jdbi;
        this.store = new UserStore();
        this.hasher = hasher;
        this.tokens = tokens;
    }

    public UserView register(String username, String email, String password) {
        var violations = new Violations();
        username = checkUsername(violations, violations.required("username", username, MAX_USERNAME, true));
        email = checkEmail(violations, violations.required("email", email, MAX_EMAIL, true));
        checkPassword(violations, violations.required("password", password, MAX_PASSWORD, false));
        violations.throwIfAny();

        String u = username;
        String e = email;
        rejectTaken(jdbi.withHandle(h -> store.taken(h, u, e, 0)));
        String hash = hasher.hash(password);
        User user = translateConflicts(() -> jdbi.withHandle(h -> store.insert(h, u, e, hash)));
        return UserView.of(user, tokens.issue(user.id()));
    }

    public UserView login(String email, String password) {
        var violations = new Violations();
        violations.required("email", email, MAX_EMAIL, true);
        violations.required("password", password, MAX_PASSWORD, false);
        violations.throwIfAny();

        var user = jdbi.withHandle(h -> store.findByEmail(h, email.strip()));
        boolean ok = user.isPresent()
                ? hasher.matches(password, user.get().passwordHash())
                : hasher.matchesNothing(password);
        if (!ok) {
            throw new ApiException.Unauthorized("credentials", "invalid");
        }
        return UserView.of(user.get(), tokens.issue(user.get().id()));
    }

    /** The caller's account, with the token they authenticated with. */
    public UserView current(long userId, String token) {
        return UserView.of(jdbi.withHandle(h -> store.findById(h, userId)).orElseThrow(Users::unknownAccount), token);
    }

    public UserView update(long userId, String token, UserChanges changes) {
        var violations = new Violations();
        if (changes.isEmpty()) {
            violations.add("user", "must contain at least one field to change");
        }
        String username = changes.username() == null ? null
                : checkUsername(violations, violations.required("username", changes.username(), MAX_USERNAME, true));
        String email = changes.email() == null ? null
                : checkEmail(violations, violations.required("email", changes.email(), MAX_EMAIL, true));
        if (changes.password() != null) {
            checkPassword(violations, violations.required("password", changes.password(), MAX_PASSWORD, false));
        }
        String bio = violations.checkLength("bio", blankToNull(changes.bio()), MAX_BIO);
        String image = checkImage(violations, blankToNull(changes.image()));
        violations.throwIfAny();

        if (username != null || email != null) {
            rejectTaken(jdbi.withHandle(h -> store.taken(h, username, email, userId)));
        }
        String hash = changes.password() == null ? null : hasher.hash(changes.password());
        var normalized = new UserChanges(username, email, null, changes.setBio(), bio, changes.setImage(), image);
        User user = translateConflicts(() -> jdbi.withHandle(h -> store.update(h, userId, normalized, hash)))
                .orElseThrow(Users::unknownAccount);
        return UserView.of(user, token);
    }

    private static String checkUsername(Violations violations, String username) {
        if (username != null && !username.isBlank() && !USERNAME.matcher(username).matches()) {
            violations.add("username", "may contain only letters, digits, '_', '-' and '.', and needs a letter or digit");
        }
        return username;
    }

    private static String checkEmail(Violations violations, String email) {
        if (email != null && !email.isBlank() && !EMAIL.matcher(email).matches()) {
            violations.add("email", "is invalid");
        }
        return email;
    }

    private static void checkPassword(Violations violations, String password) {
        if (password != null && !password.isBlank() && password.length() < MIN_PASSWORD) {
            violations.add("password", "is too short (minimum is " + MIN_PASSWORD + " characters)");
        }
    }

    private static String checkImage(Violations violations, String image) {
        violations.checkLength("image", image, MAX_IMAGE_URL);
        if (image != null && !WEB_URL.matcher(image).matches()) {
            violations.add("image", "must be an http or https URL");
        }
        return image;
    }

    /** The API stores an empty bio or image as "none" (null). */
    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static void rejectTaken(UserStore.Taken taken) {
        if (taken.username()) {
            throw new ApiException.Conflict("username", "has already been taken");
        }
        if (taken.email()) {
            throw new ApiException.Conflict("email", "has already been taken");
        }
    }

    /** A racing request took the name between our check and our write: same answer as the check gives. */
    private static <T> T translateConflicts(Supplier<T> write) {
        try {
            return write.get();
        } catch (RuntimeException e) {
            String constraint = Constraints.violatedUnique(e).orElseThrow(() -> e);
            switch (constraint) {
                case UserStore.USERNAME_KEY -> throw new ApiException.Conflict("username", "has already been taken");
                case UserStore.EMAIL_KEY -> throw new ApiException.Conflict("email", "has already been taken");
                default -> throw e;
            }
        }
    }

    private static ApiException unknownAccount() {
        return new ApiException.Unauthorized("token", "belongs to an account that no longer exists");
    }
}
