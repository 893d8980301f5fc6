package dev.conduit.platform.db;

import com.sun.security.auth.module.UnixSystem;
import dev.conduit.platform.security.SecretFile;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A real PostgreSQL server for the zero-setup mode: the binaries come from zonky's Maven Central artifact,
 * the cluster lives under {@code <dataDir>/postgres} and survives restarts. PostgreSQL refuses to run as
 * root, so a root JVM runs it as an unprivileged OS user (via {@code setpriv}).
 */
public final class EmbeddedPostgres implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EmbeddedPostgres.class.getName());
    private static final String ARCHIVE = "postgres-linux-x86_64.txz";
    private static final String SUPERUSER = "conduit";
    private static final int CAP_DAC_READ_SEARCH = 2;

    private final Path binDir;
    private final Path clusterDir;
    private final String osUser;
    private final List<String> runAs;
    private final int port;
    private final String password;
    private final FileLock lock;

    private EmbeddedPostgres(Path binDir, Path clusterDir, String osUser, int port, String password, FileLock lock)
            throws IOException {
        this.lock = lock;
        this.binDir = binDir;
        this.clusterDir = clusterDir;
        this.osUser = osUser;
        this.runAs = osUser == null ? List.of() : dropPrivileges(osUser);
        this.port = port;
        this.password = password;
    }

    /** Starts (creating on first use) the cluster under {@code dataDir/postgres}. */
    public static EmbeddedPostgres start(Path dataDir, String unprivilegedUser) {
        try {
            Files.createDirectories(dataDir);
            FileLock lock = lockDataDir(dataDir);
            try {
                var server = prepare(dataDir, unprivilegedUser, lock);
                server.initIfNeeded();
                server.startServer();
                return server;
            } catch (IOException | RuntimeException e) {
                lock.channel().close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL could not start: " + e.getMessage(), e);
        }
    }

    private static EmbeddedPostgres prepare(Path dataDir, String unprivilegedUser, FileLock lock) throws IOException {
        Path binDir = extractBinaries();
        Path clusterDir = dataDir.resolve("postgres");
        Files.createDirectories(clusterDir);
        String osUser = null;
        if (new UnixSystem().getUid() == 0) {
            // a cluster made by a non-root run keeps its owner; a new one goes to the unprivileged user
            String owner = Files.getOwner(clusterDir).getName();
            osUser = owner.equals("root") ? unprivilegedUser : owner;
            chown(clusterDir, osUser);
        }
        Files.setPosixFilePermissions(clusterDir, PosixFilePermissions.fromString("rwx------"));
        String password = SecretFile.readOrCreate(dataDir.resolve("postgres-password")).value();
        return new EmbeddedPostgres(binDir, clusterDir, osUser, freePort(), password, lock);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public String user() {
        return SUPERUSER;
    }

    public String password() {
        return password;
    }

    /** Fast shutdown: running transactions roll back, committed data is flushed. */
    @Override
    public void close() {
        try {
            run(List.of("pg_ctl", "-D", clusterDir.toString(), "-m", "fast", "-w", "-t", "60", "stop"));
            LOG.log(System.Logger.Level.INFO, "Embedded PostgreSQL stopped");
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "Embedded PostgreSQL did not stop cleanly", e);
        }
        try {
            lock.channel().close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not release the data directory lock", e);
        }
    }

    /**
     * One Conduit per data directory: held for the life of the process, so a PostgreSQL found running on the
     * cluster at start can only be an orphan of a process that died, and is safe to stop.
     */
    private static FileLock lockDataDir(Path dataDir) throws IOException {
        var channel = FileChannel.open(dataDir.resolve("conduit.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return lock;
            }
        } catch (OverlappingFileLockException e) {
            // held by this same JVM
        }
        channel.close();
        throw new IOException("another Conduit process is using " + dataDir
                + " (set DATA_DIR to run a second one, or DATABASE_URL to share a database)");
    }

    private void initIfNeeded() throws IOException {
        if (Files.exists(clusterDir.resolve("PG_VERSION"))) {
            return;
        }
        Path pwFile = Files.createTempFile("conduit-pg", ".pw");
        try {
            Files.writeString(pwFile, password);
            if (osUser != null) {
                chown(pwFile, osUser);
            }
            LOG.log(System.Logger.Level.INFO, "Creating the embedded PostgreSQL cluster in " + clusterDir);
            run(List.of("initdb", "-D", clusterDir.toString(), "-U", SUPERUSER, "--pwfile=" + pwFile,
                    "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--data-checksums", "--no-instructions"));
        } finally {
            Files.deleteIfExists(pwFile);
        }
    }

    private void startServer() throws IOException {
        // A server left running by a process that was killed still holds the cluster: stop it first.
        if (Files.exists(clusterDir.resolve("postmaster.pid"))
                && runStatus(List.of("pg_ctl", "-D", clusterDir.toString(), "status")) == 0) {
            LOG.log(System.Logger.Level.WARNING, "Stopping an embedded PostgreSQL left running by an earlier process");
            run(List.of("pg_ctl", "-D", clusterDir.toString(), "-m", "fast", "-w", "stop"));
        }
        String options = "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=''";
        run(List.of("pg_ctl", "-D", clusterDir.toString(), "-l", clusterDir.resolve("server.log").toString(),
                "-o", options, "-w", "-t", "120", "start"));
        LOG.log(System.Logger.Level.INFO, "Embedded PostgreSQL listening on 127.0.0.1:" + port
                + ", data in " + clusterDir);
    }

    private void run(List<String> command) throws IOException {
        int status = runStatus(command);
        if (status != 0) {
            throw new IOException(command.getFirst() + " exited with " + status
                    + " (see its messages above and " + clusterDir.resolve("server.log") + ")");
        }
    }

    private int runStatus(List<String> command) throws IOException {
        List<String> full = new ArrayList<>(runAs);
        full.add(binDir.resolve("bin").resolve(command.getFirst()).toString());
        full.addAll(command.subList(1, command.size()));
        // progress chatter (stdout) is dropped; errors (stderr) reach the console
        Process process = new ProcessBuilder(full).directory(binDir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(command.getFirst() + " did not finish in 180 s");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.getFirst(), e);
        }
    }

    /**
     * The command prefix that runs PostgreSQL as {@code user}. The ambient DAC_READ_SEARCH capability lets it
     * reach a data directory below a root-only path (a clone in /root); PostgreSQL only refuses uid 0.
     */
    private static List<String> dropPrivileges(String user) throws IOException {
        List<String> prefix = new ArrayList<>(List.of("setpriv", "--reuid=" + user, "--regid=" + primaryGroup(user),
                "--clear-groups"));
        if (boundingCapabilities().testBit(CAP_DAC_READ_SEARCH)) {
            prefix.addAll(List.of("--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search"));
        }
        prefix.add("--");
        return List.copyOf(prefix);
    }

    private static String primaryGroup(String user) throws IOException {
        Process id = new ProcessBuilder("id", "-g", user).redirectErrorStream(true).start();
        String out = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (id.waitFor() != 0) {
                throw new IOException("EMBEDDED_POSTGRES_OS_USER: no such user '" + user + "' (" + out + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return out;
    }

    private static BigInteger boundingCapabilities() throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith("CapBnd:")).findFirst()
                    .map(l -> new BigInteger(l.substring(7).trim(), 16))
                    .orElse(BigInteger.ZERO);
        }
    }

    private static void chown(Path path, String user) throws IOException {
        UserPrincipal owner = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
        var view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        view.setOwner(owner);
        view.setGroup(path.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByGroupName(primaryGroup(user)));
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * Unpacks the binaries once per archive content into the system temp directory, which every user can
     * traverse (the unprivileged user must be able to exec them). Concurrent starts race safely: each
     * unpacks into its own folder and the first atomic rename wins.
     */
    private static Path extractBinaries() throws IOException {
        if (!System.getProperty("os.name").toLowerCase().contains("linux")
                || !System.getProperty("os.arch").matches("amd64|x86_64")) {
            throw new IOException("the bundled PostgreSQL binaries are for Linux x86_64 only;"
                    + " set DATABASE_URL to use an external PostgreSQL server");
        }
        URL archive = EmbeddedPostgres.class.getClassLoader().getResource(ARCHIVE);
        if (archive == null) {
            throw new IOException(ARCHIVE + " is not on the class path");
        }
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "conduit-postgres-" + digest(archive));
        if (Files.exists(target.resolve("bin/postgres"))) {
            return target;
        }
        Path staging = Files.createTempDirectory(target.getParent(), target.getFileName() + ".staging");
        try (InputStream in = new BufferedInputStream(archive.openStream());
             var tar = new TarArchiveInputStream(new XZCompressorInputStream(in))) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                Path out = staging.resolve(entry.getName()).normalize();
                if (!out.startsWith(staging)) {
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
                    Files.setPosixFilePermissions(out, (entry.getMode() & 0100) != 0
                            ? PosixFilePermissions.fromString("rwxr-xr-x")
                            : PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
        try (Stream<Path> dirs = Files.walk(staging)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
            deleteTree(staging);
        } catch (IOException e) {
            // Another process won the rename (a non-empty target is reported as a generic error).
            deleteTree(staging);
            if (!Files.exists(target.resolve("bin/postgres"))) {
                throw e;
            }
        }
        return target;
    }

    private static String digest(URL archive) throws IOException {
        try (var in = new DigestInputStream(archive.openStream(), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
