package dev.conduit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.platform.db.Backup;
import dev.conduit.platform.db.EmbeddedPostgres;
import dev.conduit.platform.db.Migrations;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Backup of a serving Conduit's embedded database, restored into another data folder, read back through the API;
 * a restore that fails leaves the data as it was; a restore into a folder a Conduit holds is refused.
 */
class BackupTest {
    @Test
    void aLiveBackupRestoresElsewhereWithEveryRowAndIdsThatGoOn() throws IOException {
        Path source = TestServer.newDataDir();
        Path copy = TestServer.newDataDir();
        Path file = Files.createTempFile("conduit-backup", ".zip");
        try {
            Main first = Main.start(Config.from(TestServer.embeddedEnvironment(source)), sql -> { });
            Api.User author;
            Api.User reader;
            String slug;
            long commentId;
            try {
                var api = new Api("http://127.0.0.1:" + first.port() + "/api");
                author = api.register("kept");
                reader = api.register("reader");
                slug = api.createArticle(author, Api.unique("Backed up"), List.of("backup", "zeta"));
                commentId = api.comment(reader, slug, "still here?");
                assertThat(api.post("/articles/" + slug + "/favorite", null, reader.token()).status()).isEqualTo(200);
                assertThat(api.post("/profiles/" + author.username() + "/follow", null, reader.token()).status())
                        .isEqualTo(200);

                // taken while this Conduit serves: it finds that Conduit's database and reads it in one snapshot
                var taken = Main.backup(Config.from(TestServer.embeddedEnvironment(source)), file);
                assertThat(taken.rows()).containsEntry("users", 2L).containsEntry("articles", 1L)
                        .containsEntry("comments", 1L).containsEntry("favorites", 1L).containsEntry("follows", 1L)
                        .doesNotContainKey("article_search"); // derived: the restore rebuilds it
            } finally {
                first.stop();
            }

            var restored = Main.restore(Config.from(TestServer.embeddedEnvironment(copy)), file);
            assertThat(restored.rows()).containsEntry("users", 2L).containsEntry("articles", 1L);

            Main second = Main.start(Config.from(TestServer.embeddedEnvironment(copy)), sql -> { });
            try {
                var api = new Api("http://127.0.0.1:" + second.port() + "/api");
                var article = api.get("/articles/" + slug, reader.token());
                assertThat(article.status()).isEqualTo(200);
                assertThat(article.at("/article/favorited").asBoolean()).isTrue();
                assertThat(article.at("/article/favoritesCount").asInt()).isEqualTo(1);
                assertThat(article.at("/article/author/following").asBoolean()).isTrue();
                assertThat(article.at("/article/tagList").toString()).isEqualTo("[\"backup\",\"zeta\"]");
                assertThat(api.get("/articles/" + slug + "/comments").at("/comments/0/id").asLong())
                        .isEqualTo(commentId);
                // searchable again, by its title's words and by its tags
                assertThat(api.get("/articles?q=backed").text("/articles/0/slug")).isEqualTo(slug);
                assertThat(api.get("/articles?q=zeta").text("/articles/0/slug")).isEqualTo(slug);
                // the same secret (same JWT_SECRET here) and the same ids: old tokens still name their users
                assertThat(api.get("/user", author.token()).text("/user/username")).isEqualTo(author.username());
                // new rows take ids after the restored ones
                assertThat(api.comment(reader, slug, "after the restore")).isGreaterThan(commentId);
                assertThat(api.post("/users/login", Api.wrap("user", "email", author.email(), "password",
                        author.password()), null).status()).isEqualTo(200);
            } finally {
                second.stop();
            }

            // a backup cut short: the restore fails and the copy keeps what it had
            Path broken = Files.createTempFile("conduit-broken", ".zip");
            try {
                truncateComments(file, broken);
                assertThatThrownBy(() -> Main.restore(Config.from(TestServer.embeddedEnvironment(copy)), broken))
                        .hasMessageContaining("the rows are as they were");
                Main third = Main.start(Config.from(TestServer.embeddedEnvironment(copy)), sql -> { });
                try {
                    var api = new Api("http://127.0.0.1:" + third.port() + "/api");
                    assertThat(api.get("/articles/" + slug + "/comments").at("/comments").size()).isEqualTo(2);
                    // and a restore into a folder that a Conduit holds is refused
                    assertThatThrownBy(() -> Main.restore(Config.from(TestServer.embeddedEnvironment(copy)), file))
                            .hasMessageContaining("another Conduit process");
                } finally {
                    third.stop();
                }
            } finally {
                Files.deleteIfExists(broken);
            }
        } finally {
            Files.deleteIfExists(file);
            TestServer.deleteTree(source);
            TestServer.deleteTree(copy);
        }
    }

    @Test
    void anOlderSchemasBackupIsLoadedIntoThatSchemaThenMigratedWithItsRows() throws Exception {
        Path old = TestServer.newDataDir();
        Path copy = TestServer.newDataDir();
        Path file = Files.createTempFile("conduit-backup", ".zip");
        try {
            try (var database = EmbeddedPostgres.start(old, Config.from(Map.of()).postgresOsUser(), 20)) {
                var target = database.prepareApplicationRole();
                Migrations.applyUpTo(target, "2");
                // rows as a Conduit of schema version 2 wrote them: no tag_counts table yet
                try (var db = DriverManager.getConnection(target.jdbcUrl(), target.user().orElseThrow(),
                        target.password().orElseThrow()); var sql = db.createStatement()) {
                    sql.execute("insert into users (username, email, password_hash) values ('elder', 'e@x.io', 'x')");
                    sql.execute("insert into articles (slug, author_id, title, description, body) "
                            + "select 'old-news', id, 'Old news', 'd', 'b' from users");
                    sql.execute("insert into article_tags (article_id, tag, position) "
                            + "select id, 'vintage', 0 from articles");
                }
                var taken = Backup.write(target, file);
                assertThat(taken.schemaVersion()).isEqualTo("2");
                assertThat(taken.rows()).doesNotContainKey("tag_counts");
            }

            Main.restore(Config.from(TestServer.embeddedEnvironment(copy)), file);

            Main app = Main.start(Config.from(TestServer.embeddedEnvironment(copy)), sql -> { });
            try {
                var api = new Api("http://127.0.0.1:" + app.port() + "/api");
                // version 3's migration counted the restored tags
                assertThat(api.get("/tags").at("/tags").toString()).isEqualTo("[\"vintage\"]");
                assertThat(api.get("/articles/old-news").at("/article/tagList").toString()).isEqualTo("[\"vintage\"]");
            } finally {
                app.stop();
            }
            // the copy's schema is newer than the backup's now: restoring into it is refused, and changes nothing
            assertThatThrownBy(() -> Main.restore(Config.from(TestServer.embeddedEnvironment(copy)), file))
                    .hasMessageContaining("restore into an empty database");
        } finally {
            Files.deleteIfExists(file);
            TestServer.deleteTree(old);
            TestServer.deleteTree(copy);
        }
    }

    @Test
    void theCommandLineNamesWhatItDidAndRefusesOtherUses() throws IOException {
        assertThat(Main.command(Config.from(Map.of()), List.of("backup"))).isEqualTo(2);
        assertThat(Main.command(Config.from(Map.of()), List.of("vacuum", "x"))).isEqualTo(2);
        Path file = Files.createTempFile("conduit-backup", ".zip");
        try {
            // the shared test database, through DATABASE_URL
            assertThat(Main.command(Config.from(TestServer.environment(TestServer.newDataDir())),
                    List.of("backup", file.toString()))).isZero();
            try (var zip = new ZipFile(file.toFile())) {
                assertThat(zip.getEntry("manifest.json")).isNotNull();
                assertThat(zip.getEntry("tables/articles.copy")).isNotNull();
            }
            Files.writeString(file, "not a backup");
            assertThat(Main.command(Config.from(TestServer.environment(TestServer.newDataDir())),
                    List.of("restore", file.toString()))).isEqualTo(1);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** A copy of the backup whose comments stop mid-row. */
    private static void truncateComments(Path file, Path broken) throws IOException {
        try (var zip = new ZipFile(file.toFile()); OutputStream out = Files.newOutputStream(broken);
             var copy = new ZipOutputStream(out)) {
            for (var entry : Collections.list(zip.entries())) {
                byte[] bytes = zip.getInputStream(entry).readAllBytes();
                if (entry.getName().equals("tables/comments.copy")) {
                    bytes = Arrays.copyOf(bytes, bytes.length / 2);
                }
                copy.putNextEntry(new ZipEntry(entry.getName()));
                copy.write(bytes);
                copy.closeEntry();
            }
        }
    }
}
