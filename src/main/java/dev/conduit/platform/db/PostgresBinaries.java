package dev.conduit.platform.db;

import com.sun.security.auth.module.UnixSystem;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.io.file.PathUtils;

/**
 * PostgreSQL's binaries, unpacked from zonky's Maven Central artifact into the system temp directory (every
 * user can traverse it, and the unprivileged database user must be able to exec them). The folder is named
 * after the unpacking user and the archive's content, and is used only if that user owns it and nobody else
 * can write to it, so another local user cannot plant binaries there first.
 */
final class PostgresBinaries {
    private static final String ARCHIVE = "postgres-linux-x86_64.txz";
    /** Written last: a folder without it is incomplete (an interrupted unpack, or /tmp cleaning). */
    private static final String COMPLETE = ".complete";

    private PostgresBinaries() {
    }

    /** The folder holding {@code bin/}, {@code lib/} and {@code share/}. */
    static Path unpack() throws IOException {
        if (!System.getProperty("os.name").toLowerCase().contains("linux")
                || !System.getProperty("os.arch").matches("amd64|x86_64")) {
            throw new IOException("the bundled PostgreSQL binaries are for Linux x86_64 only;"
                    + " set DATABASE_URL to use an external PostgreSQL server");
        }
        URL archive = PostgresBinaries.class.getClassLoader().getResource(ARCHIVE);
        if (archive == null) {
            throw new IOException(ARCHIVE + " is not on the class path");
        }
        long uid = new UnixSystem().getUid();
        Path target = Path.of(System.getProperty("java.io.tmpdir"),
                "conduit-postgres-" + uid + "-" + digest(archive));
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            requireOwnedAndPrivate(target, uid);
            if (Files.exists(target.resolve(COMPLETE))) {
                return target;
            }
            PathUtils.deleteDirectory(target);
        }
        Path staging = Files.createTempDirectory(target.getParent(), target.getFileName() + ".staging");
        try {
            extract(archive, staging);
            Files.createFile(staging.resolve(COMPLETE));
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            PathUtils.deleteDirectory(staging);
            // a concurrent start of ours may have won the rename; anything else is a real failure
            if (!Files.exists(target.resolve(COMPLETE))) {
                throw e;
            }
            requireOwnedAndPrivate(target, uid);
        }
        return target;
    }

    private static void extract(URL archive, Path into) throws IOException {
        try (InputStream in = new BufferedInputStream(archive.openStream());
             var tar = new TarArchiveInputStream(new XZCompressorInputStream(in))) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                Path out = into.resolve(entry.getName()).normalize();
                if (!out.startsWith(into)) {
                    throw new IOException("archive entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(out.getParent());
                    Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out);
                    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString(
                            (entry.getMode() & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
        try (Stream<Path> dirs = Files.walk(into)) {
            for (Path dir : dirs.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }

    private static void requireOwnedAndPrivate(Path dir, long uid) throws IOException {
        var attributes = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Object owner = Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        boolean writableByOthers = attributes.permissions().contains(PosixFilePermission.GROUP_WRITE)
                || attributes.permissions().contains(PosixFilePermission.OTHERS_WRITE);
        if (!attributes.isDirectory() || !owner.equals((int) uid) || writableByOthers) {
            throw new IOException(dir + " exists but is not a directory owned by uid " + uid
                    + " and writable only by it; remove it and start again");
        }
    }

    private static String digest(URL archive) throws IOException {
        try (var in = new DigestInputStream(archive.openStream(), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
