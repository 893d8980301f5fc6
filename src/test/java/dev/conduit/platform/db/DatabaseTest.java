package dev.conduit.platform.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.conduit.TestServer;
import dev.conduit.platform.domain.Failure;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class DatabaseTest {
    @Test
    void aSheddableRequestWaitsTheOverloadWaitForAConnectionOthersTheirFullTurn() throws Exception {
        var sheddable = new AtomicBoolean();
        var timeouts = new Database.Timeouts(Duration.ofMillis(300), Duration.ofMillis(20), Duration.ofSeconds(5));
        try (var database = Database.connect(TestServer.target(), 1, timeouts, StatementListener.NONE, sheddable::get);
             var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var jdbi = database.jdbi();
            var held = jdbi.open(); // the one connection
            held.execute("select 1");

            sheddable.set(true);
            long start = System.nanoTime();
            assertThatThrownBy(() -> jdbi.useHandle(h -> h.execute("select 1"))).isInstanceOf(Failure.Overloaded.class);
            assertThat((System.nanoTime() - start) / 1_000_000).as("the overload wait").isLessThan(200);

            sheddable.set(false);
            start = System.nanoTime();
            assertThatThrownBy(() -> jdbi.useHandle(h -> h.execute("select 1"))).isInstanceOf(Failure.Overloaded.class);
            assertThat((System.nanoTime() - start) / 1_000_000).as("the full turn").isGreaterThanOrEqualTo(300);

            var waiting = pool.submit(() -> jdbi.withHandle(h -> h.createQuery("select 7").mapTo(Integer.class).one()));
            Thread.sleep(100);
            assertThat(waiting).isNotDone();
            held.close(); // handed back: the one waiting its turn gets it
            assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo(7);
            assertThat(database.refused()).isEqualTo(2);
            int one = jdbi.withHandle(h -> h.createQuery("select 1").mapTo(Integer.class).one());
            assertThat(one).as("the connection is free again").isEqualTo(1);
        }
    }

    @Test
    void aClosedPoolIsNotTakenForAnOutageAndReplaced() throws Exception {
        var database = Database.connect(TestServer.target(), 2, StatementListener.NONE);
        database.jdbi().useHandle(h -> h.execute("select 1")); // connected: its watcher now replaces a pool gone empty
        Thread.sleep(600); // the watcher has seen it connected
        database.close();
        Thread.sleep(600); // more than the watcher's interval: it would have replaced the closed pool by now
        assertThat(((HikariDataSource) database.dataSource()).isClosed()).as("no new pool after close").isTrue();
    }
}
