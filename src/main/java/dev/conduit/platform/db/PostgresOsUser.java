package dev.conduit.platform.db;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The OS account PostgreSQL runs as when Conduit runs as root (PostgreSQL refuses uid 0): a dedicated system
 * account, created on first use, that owns nothing but the cluster. Commands run through {@code setpriv}.
 */
final class PostgresOsUser {
    private static final System.Logger LOG = System.getLogger(PostgresOsUser.class.getName());
    private static final int CAP_DAC_READ_SEARCH = 2;

    private final String name;
    private final String group;
    private final List<String> commandPrefix;

    private PostgresOsUser(String name, String group, List<String> commandPrefix) {
        this.name = name;
        this.group = group;
        this.commandPrefix = commandPrefix;
    }

    /**
     * The account {@code name} (created as a system account if missing), able to reach {@code clusterDir}, which
     * it is given when {@code takeOwnership}.
     * When a parent folder of the cluster shuts that account out (a clone below /root, say), its processes get
     * the one capability to pass through folders (DAC_READ_SEARCH), and the log says so.
     */
    static PostgresOsUser forCluster(String name, Path clusterDir, boolean takeOwnership) throws IOException {
        if (!run(List.of("id", "-u", name)).succeeded()) {
            LOG.log(System.Logger.Level.INFO, "Creating the system account '" + name + "' for PostgreSQL");
            var added = run(List.of("useradd", "--system", "--user-group", "--no-create-home",
                    "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name));
            // another Conduit starting at the same moment may have created it first
            if (!added.succeeded() && !run(List.of("id", "-u", name)).succeeded()) {
                throw new IOException("cannot create the OS account '" + name + "' (useradd: " + added.explanation()
                        + "); create it or set EMBEDDED_POSTGRES_OS_USER to an existing unprivileged account");
            }
        }
        String group = output(List.of("id", "-g", name));
        var base = List.of("setpriv", "--reuid=" + name, "--regid=" + group, "--clear-groups");
        var user = new PostgresOsUser(name, group, withSeparator(base));
        if (takeOwnership) {
            user.own(clusterDir);
        }
        if (user.canReach(clusterDir)) {
            return user;
        }
        if (!permittedCapabilities().testBit(CAP_DAC_READ_SEARCH)) {
            throw new IOException("the PostgreSQL account '" + name + "' cannot reach " + clusterDir
                    + "; set DATA_DIR to a folder whose parents every user may enter (o+x)");
        }
        LOG.log(System.Logger.Level.WARNING, "A parent folder of " + clusterDir + " is closed to '" + name
                + "', so PostgreSQL runs with the DAC_READ_SEARCH capability, which lets it read any file on this"
                + " machine. To avoid that, set DATA_DIR to a folder whose parents every user may enter (o+x),"
                + " or run Conduit as a user other than root.");
        var withCapability = new ArrayList<>(base);
        withCapability.addAll(List.of("--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search"));
        return new PostgresOsUser(name, group, withSeparator(withCapability));
    }

    /** Prepended to a command to run it as this account. */
    List<String> commandPrefix() {
        return commandPrefix;
    }

    /** Gives the folder and everything in it (a cluster copied in by root, say) to this account. */
    private void own(Path root) throws IOException {
        var lookup = root.getFileSystem().getUserPrincipalLookupService();
        var owner = lookup.lookupPrincipalByName(name);
        var ownerGroup = lookup.lookupPrincipalByGroupName(group);
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.toList()) {
                var view = Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
                view.setOwner(owner);
                view.setGroup(ownerGroup);
            }
        }
    }

    private boolean canReach(Path dir) throws IOException {
        var command = new ArrayList<>(commandPrefix);
        command.addAll(List.of("test", "-x", dir.toString()));
        return run(command).succeeded();
    }

    private static List<String> withSeparator(List<String> prefix) {
        var all = new ArrayList<>(prefix);
        all.add("--");
        return List.copyOf(all);
    }

    /** What this process may hand on: an ambient capability must be in the permitted set. */
    private static BigInteger permittedCapabilities() throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith("CapPrm:")).findFirst()
                    .map(l -> new BigInteger(l.substring("CapPrm:".length()).trim(), 16))
                    .orElse(BigInteger.ZERO);
        }
    }

    private static Commands.Result run(List<String> command) throws IOException {
        return Commands.run(command, Duration.ofMinutes(1));
    }

    private static String output(List<String> command) throws IOException {
        var result = run(command);
        if (!result.succeeded()) {
            throw new IOException(String.join(" ", command) + " failed: " + result.explanation());
        }
        return result.output();
    }
}
