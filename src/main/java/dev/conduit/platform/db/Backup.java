package dev.conduit.platform.db;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.postgresql.PGConnection;

/**
 * A logical backup of Conduit's tables: every row of every table (but those derived from others), read in one
 * snapshot (a repeatable-read transaction, so a backup taken while Conduit serves is consistent) with PostgreSQL's
 * COPY, into a zip with a manifest (format, schema version, tables, their columns and row counts). Restoring
 * replaces every row in one transaction: a restore that fails leaves the rows as they were. Being rows, not files, a backup restores into
 * any PostgreSQL version Conduit supports, which is how a cluster moves to a new major version.
 */
public final class Backup {
    private static final int FORMAT = 1;
    private static final String MANIFEST = "manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a backup holds: the schema version it was taken at, and the rows of each table. */
    public record Summary(String schemaVersion, Map<String, Long> rows) {
    }

    private Backup() {
    }

    /** Writes every table of {@code target}'s current schema to {@code file} (replaced only once complete). */
    public static Summary write(DatabaseTarget target, Path file) {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (Connection db = connect(target)) {
            db.setAutoCommit(false);
            db.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            db.setReadOnly(true);
            String version = schemaVersion(db);
            var rows = new LinkedHashMap<String, Long>();
            var columns = new LinkedHashMap<String, List<String>>();
            var copy = db.unwrap(PGConnection.class).getCopyAPI();
            try (OutputStream out = Files.newOutputStream(partial); var zip = new ZipOutputStream(out)) {
                for (String table : tablesInLoadOrder(db, false)) {
                    columns.put(table, columns(db, table));
                    zip.putNextEntry(new ZipEntry("tables/" + table + ".copy"));
                    rows.put(table, copy.copyOut("copy " + quoted(table) + " to stdout", zip));
                    zip.closeEntry();
                }
                var manifest = JSON.createObjectNode()
                        .put("format", FORMAT)
                        .put("schemaVersion", version)
                        .put("taken", Instant.now().toString());
                var tables = manifest.putArray("tables");
                columns.forEach((table, names) -> {
                    var entry = tables.addObject().put("name", table).put("rows", rows.get(table));
                    names.forEach(entry.putArray("columns")::add);
                });
                zip.putNextEntry(new ZipEntry(MANIFEST));
                zip.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
                zip.closeEntry();
            }
            db.commit();
            // on disk before it replaces an older backup of the same name: a power cut leaves one or the other
            try (var channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Summary(version, rows);
        } catch (SQLException e) {
            throw new IllegalStateException("backup failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("backup failed: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException e) {
                // the partial file stays; it is named as such
            }
        }
    }

    /** The schema version a backup was taken at; refuses a file that is not a Conduit backup. */
    public static String schemaVersionOf(Path file) {
        try (var zip = new ZipFile(file.toFile())) {
            return manifest(zip, file).get("schemaVersion").asText();
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " is not a Conduit backup: " + e.getMessage(), e);
        }
    }

    /**
     * Replaces every row of {@code target}'s tables with the backup's, in one transaction: a restore that fails
     * leaves the rows as they were. The schema must be at the backup's version (see {@link #schemaVersionOf}).
     */
    public static Summary restore(DatabaseTarget target, Path file) {
        try (var zip = new ZipFile(file.toFile()); Connection db = connect(target)) {
            JsonNode manifest = manifest(zip, file);
            db.setAutoCommit(false);
            String current = schemaVersion(db);
            String taken = manifest.get("schemaVersion").asText();
            if (!taken.equals(current)) {
                throw new IllegalArgumentException("the backup's schema is at version " + taken
                        + ", the database's at " + current);
            }
            var tables = new ArrayList<JsonNode>();
            manifest.get("tables").forEach(tables::add);
            try (var statement = db.createStatement()) {
                var names = new ArrayList<String>();
                tablesInLoadOrder(db, true).forEach(table -> names.add(quoted(table)));
                statement.execute("truncate " + String.join(", ", names) + " restart identity cascade");
            }
            var copy = db.unwrap(PGConnection.class).getCopyAPI();
            var rows = new LinkedHashMap<String, Long>();
            for (JsonNode table : tables) {
                String name = table.get("name").asText();
                var columns = new ArrayList<String>();
                table.get("columns").forEach(column -> columns.add(quoted(column.asText())));
                try (InputStream in = zip.getInputStream(zip.getEntry("tables/" + name + ".copy"))) {
                    rows.put(name, copy.copyIn("copy " + quoted(name) + " (" + String.join(", ", columns)
                            + ") from stdin", in));
                }
            }
            resetSequences(db);
            db.commit();
            return new Summary(taken, rows);
        } catch (SQLException e) {
            throw new IllegalStateException("restore failed, the rows are as they were: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("restore failed, the rows are as they were: " + e.getMessage(), e);
        }
    }

    private static JsonNode manifest(ZipFile zip, Path file) throws IOException {
        JsonNode manifest = JSON.readTree(read(zip, MANIFEST));
        if (manifest.path("format").asInt() != FORMAT || !manifest.path("schemaVersion").isTextual()) {
            throw new IllegalArgumentException(file + " is not a Conduit backup of format " + FORMAT);
        }
        return manifest;
    }

    private static Connection connect(DatabaseTarget target) throws SQLException {
        return DriverManager.getConnection(target.jdbcUrl(), target.user().orElse(null),
                target.password().orElse(null));
    }

    private static String schemaVersion(Connection db) throws SQLException {
        return Migrations.appliedVersion(db).orElseThrow(
                () -> new IllegalStateException("the database has no Conduit schema")).getVersion();
    }

    /**
     * Conduit's tables (Flyway's history aside), each after the tables its foreign keys point to; {@code derived}:
     * also those whose rows the database derives from other tables' (triggers fill them), as the comment on each
     * says. A backup leaves those out, and a restore has them filled again as it loads their sources, in the target
     * database's own terms (its text-search language, say).
     */
    private static List<String> tablesInLoadOrder(Connection db, boolean derived) throws SQLException {
        var tables = new LinkedHashSet<String>();
        try (var statement = db.prepareStatement("""
                select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = current_schema() and c.relkind = 'r' and c.relname <> 'flyway_schema_history'
                  and (? or coalesce(obj_description(c.oid, 'pg_class'), '') not like 'Derived%')
                order by c.relname""")) {
            statement.setBoolean(1, derived);
            try (var result = statement.executeQuery()) {
                while (result.next()) {
                    tables.add(result.getString(1));
                }
            }
        }
        var dependsOn = new LinkedHashMap<String, Set<String>>();
        try (var statement = db.createStatement(); var result = statement.executeQuery("""
                select c.conrelid::regclass::text, c.confrelid::regclass::text from pg_constraint c
                join pg_namespace n on n.oid = c.connamespace
                where c.contype = 'f' and n.nspname = current_schema() and c.conrelid <> c.confrelid""")) {
            while (result.next()) {
                dependsOn.computeIfAbsent(result.getString(1), t -> new LinkedHashSet<>()).add(result.getString(2));
            }
        }
        var ordered = new LinkedHashSet<String>();
        for (String table : tables) {
            visit(table, dependsOn, ordered, new LinkedHashSet<>());
        }
        ordered.retainAll(tables);
        return List.copyOf(ordered);
    }

    private static void visit(String table, Map<String, Set<String>> dependsOn, Set<String> ordered,
            Set<String> path) {
        if (ordered.contains(table) || !path.add(table)) {
            return;
        }
        for (String parent : dependsOn.getOrDefault(table, Set.of())) {
            visit(parent, dependsOn, ordered, path);
        }
        ordered.add(table);
    }

    private static List<String> columns(Connection db, String table) throws SQLException {
        var columns = new ArrayList<String>();
        try (var statement = db.prepareStatement("""
                select a.attname from pg_attribute a
                where a.attrelid = ?::regclass and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
                order by a.attnum""")) {
            statement.setString(1, quoted(table));
            try (var result = statement.executeQuery()) {
                while (result.next()) {
                    columns.add(result.getString(1));
                }
            }
        }
        return columns;
    }

    /** Each identity or serial column's sequence continues after the largest value restored. */
    private static void resetSequences(Connection db) throws SQLException {
        var resets = new ArrayList<String>();
        try (var statement = db.createStatement(); var result = statement.executeQuery("""
                select c.relname, a.attname from pg_attribute a
                join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = current_schema() and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped
                  and pg_get_serial_sequence(quote_ident(c.relname), a.attname) is not null""")) {
            while (result.next()) {
                String table = quoted(result.getString(1));
                String column = quoted(result.getString(2));
                resets.add("select setval(pg_get_serial_sequence('" + table.replace("'", "''") + "', '"
                        + result.getString(2).replace("'", "''") + "'), coalesce(max(" + column + "), 0) + 1, false)"
                        + " from " + table);
            }
        }
        try (var statement = db.createStatement()) {
            for (String reset : resets) {
                statement.execute(reset);
            }
        }
    }

    private static byte[] read(ZipFile zip, String name) throws IOException {
        var entry = zip.getEntry(name);
        if (entry == null) {
            throw new IllegalArgumentException(zip.getName() + " has no " + name + ": not a Conduit backup");
        }
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }

    /** A name as SQL writes it: ours are plain lower-case words, quoted all the same. */
    private static String quoted(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
