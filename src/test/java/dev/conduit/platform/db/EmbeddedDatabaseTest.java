package dev.conduit.platform.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.conduit.TestServer;
import org.junit.jupiter.api.Test;

class EmbeddedDatabaseTest {
    @Test
    void theApplicationIsNotASuperuserSoItsSqlCannotReachServerFiles() {
        assumeTrue(System.getenv("DATABASE_URL") == null, "only the embedded server's roles are ours to check");
        var jdbi = TestServer.database();

        boolean superuser = jdbi.withHandle(h -> h.createQuery(
                "select rolsuper from pg_roles where rolname = current_user").mapTo(Boolean.class).one());
        String owner = jdbi.withHandle(h -> h.createQuery(
                "select pg_get_userbyid(datdba) from pg_database where datname = current_database()")
                .mapTo(String.class).one());

        assertThat(superuser).isFalse();
        assertThat(owner).isEqualTo("conduit");
    }
}
