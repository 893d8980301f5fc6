package dev.conduit.platform.security;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/** A random 256-bit secret kept in a file readable only by its owner, created on first use. */
public final class SecretFile {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The secret, and whether this call created it. */
    public record Secret(String value, boolean created) {
    }

    private SecretFile() {
    }

    public static Secret readOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            return new Secret(Files.readString(file).strip(), false);
        }
        Files.createDirectories(file.getParent());
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        try {
            // no ATOMIC_MOVE over an existing file: a process that raced us keeps its secret, we read it
            Files.move(tmp, file);
            return new Secret(Files.readString(file).strip(), true);
        } catch (FileAlreadyExistsException e) {
            Files.delete(tmp);
            return new Secret(Files.readString(file).strip(), false);
        }
    }
}
