package dev.conduit.platform.db;

import com.sun.security.auth.module.UnixSystem;
import dev.conduit.platform.security.SecretFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * A real PostgreSQL server for the zero-setup mode. The cluster lives under {@code <dataDir>/postgres} and
 * survives restarts; it listens on loopback only, with password authentication. Conduit connects as
 * {@value #APP_ROLE}, the owner of database {@value #DATABASE} but not a superuser, so no SQL it runs can read
 * server files or start programs. When the JVM is root, the server runs as an unprivileged OS account.
 */
public final class EmbeddedPostgres implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EmbeddedPostgres.class.getName());
    private static final String SUPERUSER = "postgres";
    private static final String APP_ROLE = "conduit";
    private static final String DATABASE = "conduit";
    private static final String SUPERUSER_PASSWORD_FILE = "postgres-superuser-password";
    private static final String APP_PASSWORD_FILE = "postgres-password";
    private static final Pattern SAFE_SECRET = Pattern.compile("[A-Za-z0-9_-]{32,}");

    private final Path binDir;
    private final Path dataDir;
    private final Path clusterDir;
    private final List<String> commandPrefix;
    private final int port;
    private final FileLock lock;
    private final AtomicBoolean closed = new AtomicBoolean();
    private int maxConnections;
    /** When each restart after an unexpected exit happened: more than {@value #RESTARTS} within the window is a loop. */
    private final Deque<Instant> restarts = new ArrayDeque<>();
    private static final int RESTARTS = 5;
    private static final Duration RESTART_WINDOW = Duration.ofMinutes(10);

    private EmbeddedPostgres(Path binDir, Path dataDir, List<String> commandPrefix, int port, FileLock lock) {
        this.binDir = binDir;
        this.dataDir = dataDir;
        this.clusterDir = dataDir.resolve("postgres");
        this.commandPrefix = commandPrefix;
        this.port = port;
        this.lock = lock;
    }

    /**
     * Starts (creating on first use) the cluster under {@code dataDir/postgres}, allowing {@code maxConnections};
     * {@code osUser} is the account it runs as when the JVM is root and the cluster is new.
     */
    public static EmbeddedPostgres start(Path dataDir, String osUser, int maxConnections) {
        try {
            Files.createDirectories(dataDir);
            FileLock lock = lockDataDir(dataDir);
            EmbeddedPostgres server = null;
            try {
                Path clusterDir = dataDir.resolve("postgres");
                boolean fresh = !Files.exists(clusterDir.resolve("PG_VERSION"));
                Files.createDirectories(clusterDir);
                List<String> prefix = List.of();
                if (new UnixSystem().getUid() == 0) {
                    // a cluster made by an earlier non-root run keeps its owner
                    String owner = Files.getOwner(clusterDir).getName();
                    boolean takeOver = fresh || owner.equals("root");
                    prefix = PostgresOsUser.forCluster(takeOver ? osUser : owner, clusterDir, takeOver)
                            .commandPrefix();
                }
                Files.setPosixFilePermissions(clusterDir, PosixFilePermissions.fromString("rwx------"));
                server = new EmbeddedPostgres(PostgresBinaries.unpack(), dataDir, prefix, freePort(), lock);
                if (fresh) {
                    server.init();
                }
                server.startServer(maxConnections);
                return server;
            } catch (IOException | RuntimeException e) {
                if (server != null) {
                    server.close();
                } else {
                    lock.channel().close();
                }
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL could not start: " + e.getMessage(), e);
        }
    }

    /**
     * Makes sure the application role and its database exist (they are created on the first start), and
     * returns how to connect as that role.
     */
    public DatabaseTarget prepareApplicationRole() {
        try {
            String superPassword = superuserPassword();
            String appPassword = SecretFile.readOrCreate(dataDir.resolve(APP_PASSWORD_FILE)).value();
            if (!SAFE_SECRET.matcher(appPassword).matches()) {
                throw new IOException(dataDir.resolve(APP_PASSWORD_FILE) + " must hold 32+ URL-safe characters");
            }
            try (var admin = DriverManager.getConnection(url("postgres"), SUPERUSER, superPassword);
                 var statement = admin.createStatement()) {
                // DDL takes no bind parameters; the only inlined value is our own generated URL-safe secret
                // the password is set on every start, so a replaced password file takes effect
                boolean exists = statement.executeQuery(
                        "select 1 from pg_roles where rolname = '" + APP_ROLE + "'").next();
                statement.execute((exists ? "alter" : "create") + " role " + APP_ROLE
                        + " login nosuperuser password '" + appPassword + "'");
                if (!statement.executeQuery("select 1 from pg_database where datname = '" + DATABASE + "'").next()) {
                    statement.execute("create database " + DATABASE + " owner " + APP_ROLE);
                }
            }
            return new DatabaseTarget(url(DATABASE), Optional.of(APP_ROLE), Optional.of(appPassword));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the embedded database: " + e.getMessage(), e);
        }
    }

    /**
     * How to connect as the application role to the cluster that a running Conduit started in {@code dataDir}; empty
     * when no Conduit holds that folder (then {@link #start} may). Its postmaster.pid names the port.
     */
    public static Optional<DatabaseTarget> running(Path dataDir) {
        Path lockFile = dataDir.resolve("conduit.lock");
        if (!Files.exists(lockFile)) {
            return Optional.empty();
        }
        try (var channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            if (isFree(channel)) {
                return Optional.empty();
            }
            List<String> pid = Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid"));
            int port = Integer.parseInt(pid.get(3).trim());
            String password = Files.readString(dataDir.resolve(APP_PASSWORD_FILE)).trim();
            return Optional.of(new DatabaseTarget("jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE,
                    Optional.of(APP_ROLE), Optional.of(password)));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("a Conduit holds " + dataDir + " but its database cannot be found: "
                    + e.getMessage(), e);
        }
    }

    private static boolean isFree(FileChannel channel) throws IOException {
        try {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                lock.release();
                return true;
            }
            return false;
        } catch (OverlappingFileLockException e) {
            return false; // held by this same JVM
        }
    }

    /** Fast shutdown: running transactions roll back, committed data is flushed. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (Files.exists(clusterDir.resolve("postmaster.pid"))) {
                run(List.of("pg_ctl", "-D", clusterDir.toString(), "-m", "fast", "-w", "-t", "60", "stop"));
                LOG.log(System.Logger.Level.INFO, "Embedded PostgreSQL stopped");
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "Embedded PostgreSQL did not stop cleanly", e);
        }
        try {
            lock.channel().close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not release the data directory lock", e);
        }
    }

    private String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private String superuserPassword() throws IOException {
        return SecretFile.readOrCreate(dataDir.resolve(SUPERUSER_PASSWORD_FILE)).value();
    }

    private void init() throws IOException {
        LOG.log(System.Logger.Level.INFO, "Creating the embedded PostgreSQL cluster in " + clusterDir);
        // initdb reads the superuser password from a file its account can read: a private copy beside the
        // original in the data folder (a pipe will not do: the account may not reopen a root-owned pipe)
        String password = superuserPassword();
        Path pwFile = Files.createTempFile(dataDir, "initdb", ".pw",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(pwFile, password);
            Files.setOwner(pwFile, Files.getOwner(clusterDir));
            run(List.of("initdb", "-D", clusterDir.toString(), "-U", SUPERUSER, "--pwfile=" + pwFile,
                    "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--data-checksums", "--no-instructions"));
        } finally {
            Files.deleteIfExists(pwFile);
        }
    }

    /**
     * From now on, a postmaster that exits without {@link #close} (killed, crashed) is started again on the same port
     * (crash recovery replays its write-ahead log: committed transactions are kept), up to {@value #RESTARTS} times
     * in ten minutes, a few attempts each; the pool reconnects by itself. When that fails, {@code gaveUp} runs.
     */
    public void superviseRestarts(Runnable gaveUp) {
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(clusterDir.resolve("postmaster.pid")).getFirst().trim());
        } catch (IOException | RuntimeException e) {
            pid = -1;
        }
        Optional<ProcessHandle> postmaster = ProcessHandle.of(pid);
        long watched = pid;
        Runnable exited = () -> restart(watched, gaveUp);
        postmaster.ifPresentOrElse(
                p -> p.onExit().thenRunAsync(exited, task -> Thread.ofVirtual().name("postgres-watch").start(task)),
                () -> Thread.ofVirtual().name("postgres-watch").start(exited));
    }

    private synchronized void restart(long pid, Runnable gaveUp) {
        if (closed.get()) {
            return;
        }
        Instant now = Instant.now();
        restarts.removeIf(at -> at.isBefore(now.minus(RESTART_WINDOW)));
        if (restarts.size() >= RESTARTS) {
            LOG.log(System.Logger.Level.ERROR, "Embedded PostgreSQL (pid " + pid + ") exited again: " + RESTARTS
                    + " restarts within " + RESTART_WINDOW.toMinutes() + " minutes already; giving up (see "
                    + clusterDir.resolve("server.log") + ")");
            gaveUp.run();
            return;
        }
        restarts.add(now);
        LOG.log(System.Logger.Level.ERROR, "Embedded PostgreSQL (pid " + pid + ") exited unexpectedly; restarting it "
                + "(restart " + restarts.size() + " of at most " + RESTARTS + " within "
                + RESTART_WINDOW.toMinutes() + " minutes)");
        // its backends notice the postmaster's death and exit within moments; until then the new postmaster is
        // refused (their shared memory is still in use): a few tries, a little apart
        for (int attempt = 1; attempt <= 5; attempt++) {
            try {
                Thread.sleep(200L * attempt);
                if (closed.get()) {
                    return;
                }
                startServer(maxConnections);
                LOG.log(System.Logger.Level.INFO, "Embedded PostgreSQL restarted (attempt " + attempt + ")");
                superviseRestarts(gaveUp); // the new postmaster
                return;
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "Embedded PostgreSQL restart attempt " + attempt + " failed: "
                        + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.log(System.Logger.Level.ERROR, "Embedded PostgreSQL could not be restarted; giving up (see "
                + clusterDir.resolve("server.log") + ")");
        gaveUp.run();
    }

    private void startServer(int maxConnections) throws IOException {
        this.maxConnections = maxConnections;
        // The data directory lock guarantees no live Conduit owns this cluster: a server still running on it
        // was left by a process that was killed, and is stopped before ours starts.
        if (Files.exists(clusterDir.resolve("postmaster.pid"))) {
            if (runAsOwner(List.of("pg_ctl", "-D", clusterDir.toString(), "status")).succeeded()) {
                LOG.log(System.Logger.Level.WARNING,
                        "Stopping an embedded PostgreSQL left running by an earlier process");
                run(List.of("pg_ctl", "-D", clusterDir.toString(), "-m", "fast", "-w", "stop"));
            } else {
                killOrphans();
            }
        }
        // Sized for a small server on an SSD; durability (fsync, synchronous_commit) stays at PostgreSQL's
        // defaults. JIT compilation costs more than it saves on Conduit's short, indexed queries.
        String options = "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
                + " -c max_connections=" + maxConnections
                + " -c shared_buffers=128MB -c work_mem=4MB -c effective_cache_size=512MB"
                + " -c random_page_cost=1.1 -c jit=off";
        run(List.of("pg_ctl", "-D", clusterDir.toString(), "-l", clusterDir.resolve("server.log").toString(),
                "-o", options, "-w", "-t", "120", "start"));
        LOG.log(System.Logger.Level.INFO, "Embedded PostgreSQL listening on 127.0.0.1:" + port
                + ", data in " + clusterDir);
    }

    /**
     * A postmaster that was killed leaves its other processes running until they notice (a backend busy with a long
     * query notices when it ends), and while they hold its shared memory a new server refuses to start ("pre-existing
     * shared memory block is still in use"). Nobody can receive their work any more (their postmaster is gone and no
     * Conduit holds the data directory), so they are killed; recovery keeps what they had committed.
     */
    private void killOrphans() throws IOException {
        Path cluster = clusterDir.toRealPath();
        var orphans = ProcessHandle.allProcesses().filter(process -> runsIn(process, cluster)).toList();
        if (orphans.isEmpty()) {
            return;
        }
        LOG.log(System.Logger.Level.WARNING, "Killing " + orphans.size() + " processes of an embedded PostgreSQL"
                + " whose postmaster died: " + orphans.stream().map(ProcessHandle::pid).toList());
        orphans.forEach(ProcessHandle::destroyForcibly);
        for (var orphan : orphans) {
            // if one outlives this, PostgreSQL's start refuses and says why
            orphan.onExit().completeOnTimeout(orphan, 10, TimeUnit.SECONDS).join();
        }
    }

    /** A PostgreSQL process of {@code cluster}: every one works in its data directory (the postmaster's, inherited). */
    private static boolean runsIn(ProcessHandle process, Path cluster) {
        if (!process.info().command().map(command -> command.endsWith("/postgres")).orElse(false)) {
            return false;
        }
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(process.pid()), "cwd")).equals(cluster);
        } catch (IOException e) {
            return false; // gone meanwhile, or not ours to look at
        }
    }

    private void run(List<String> command) throws IOException {
        var result = runAsOwner(command);
        if (!result.succeeded()) {
            throw new IOException(command.getFirst() + " exited with " + result.status() + ": "
                    + result.explanation() + " (see also " + clusterDir.resolve("server.log") + ")");
        }
        if (!result.errors().isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, command.getFirst() + ": " + result.errors());
        }
    }

    /** Runs one of the server's programs as the cluster's account. */
    private Commands.Result runAsOwner(List<String> command) throws IOException {
        List<String> full = new ArrayList<>(commandPrefix);
        full.add(binDir.resolve("bin").resolve(command.getFirst()).toString());
        full.addAll(command.subList(1, command.size()));
        return Commands.run(full, Duration.ofMinutes(3));
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

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
