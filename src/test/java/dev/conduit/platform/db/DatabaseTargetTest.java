package dev.conduit.platform.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DatabaseTargetTest {
    @Test
    void jdbcUrlsPassThrough() {
        var target = DatabaseTarget.parse("jdbc:postgresql://db:5432/conduit", Optional.of("u"), Optional.empty());

        assertThat(target.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/conduit");
        assertThat(target.user()).contains("u");
    }

    @Test
    void postgresUrlsCarryTheirCredentialsUnlessOverridden() {
        var target = DatabaseTarget.parse("postgres://app:s%40c+ret@db.example:6543/conduit?sslmode=require",
                Optional.empty(), Optional.empty());
        assertThat(target.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/conduit?sslmode=require");
        assertThat(target.user()).contains("app");
        assertThat(target.password()).contains("s@c+ret");

        var overridden = DatabaseTarget.parse("postgresql://app:x@db/conduit", Optional.of("other"),
                Optional.of("pw"));
        assertThat(overridden.user()).contains("other");
        assertThat(overridden.password()).contains("pw");
    }

    @Test
    void urlsThatCannotBeParsedAreRefused() {
        for (String url : new String[] {"postgres://app:pw@my_db:5432/conduit", "postgres://app:p#w@db/conduit",
                "postgres://db host/x"}) {
            assertThatThrownBy(() -> DatabaseTarget.parse(url, Optional.empty(), Optional.empty()))
                    .as(url).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void otherSchemesAreRefused() {
        assertThatThrownBy(() -> DatabaseTarget.parse("mysql://db/x", Optional.empty(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("must start with jdbc:postgresql:, postgres:// or postgresql://");
    }
}
