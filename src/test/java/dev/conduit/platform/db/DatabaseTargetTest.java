package dev.conduit.platform.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.Config;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DatabaseTargetTest {
    @Test
    void jdbcUrlsPassThrough() {
        var target = Database.Target.parse("jdbc:postgresql://db:5432/conduit", Optional.of("u"), Optional.empty());

        assertThat(target.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/conduit");
        assertThat(target.user()).contains("u");
    }

    @Test
    void postgresUrlsCarryTheirCredentialsUnlessOverridden() {
        var target = Database.Target.parse("postgres://app:s%40c+ret@db.example:6543/conduit?sslmode=require",
                Optional.empty(), Optional.empty());
        assertThat(target.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/conduit?sslmode=require");
        assertThat(target.user()).contains("app");
        assertThat(target.password()).contains("s@c+ret");

        var overridden = Database.Target.parse("postgresql://app:x@db/conduit", Optional.of("other"),
                Optional.of("pw"));
        assertThat(overridden.user()).contains("other");
        assertThat(overridden.password()).contains("pw");
    }

    @Test
    void urlsThatCannotBeParsedNameTheVariable() {
        for (String url : new String[] {"postgres://app:pw@my_db:5432/conduit", "postgres://app:p#w@db/conduit",
                "postgres://db host/x"}) {
            assertThatThrownBy(() -> Database.Target.parse(url, Optional.empty(), Optional.empty()))
                    .as(url).isInstanceOf(Config.InvalidConfig.class).hasMessageContaining("DATABASE_URL");
        }
    }

    @Test
    void otherSchemesAreRefused() {
        assertThatThrownBy(() -> Database.Target.parse("mysql://db/x", Optional.empty(), Optional.empty()))
                .isInstanceOf(Config.InvalidConfig.class).hasMessageContaining("DATABASE_URL");
    }
}
