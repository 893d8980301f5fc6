package dev.conduit.platform.cache;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Carries changes between the nodes that share a database, so that their caches agree.
 *
 * <p><b>Changes.</b> The database's triggers write every change of a cached table to {@code change_log}, in the
 * writer's transaction, with the node that wrote it (V11). Each node reads, every {@value #POLL_MILLIS} ms on a
 * connection of its own, the rows other writers' transactions committed since its last read, each once (by
 * transaction id: those at or above the last read's snapshot's {@code xmax}, and those it saw running), and hands
 * them to its {@link ChangeFeed}, which drops what they name. Rows are pruned once every transaction that was
 * running a minute ago has ended.
 *
 * <p><b>Read-your-writes on any node.</b> A node that published a change waits ({@link #caughtUp}) until each other
 * live node has read every change committed before it: it sends {@code barrier <node> <n>} on the channel
 * {@code conduit_nodes} (after the write committed), and each node that hears it reads the log at once and then
 * answers {@code ack <itself> <node> <n>}. A node that does not answer within {@code wait} is not waited for until
 * it answers again (counted: {@link #ackTimeouts}). The live nodes are those listening ({@code pg_stat_activity}
 * names each listening connection {@code conduit-feed <node>}), read every second, and any that sends a barrier
 * meanwhile; a node that stops says {@code bye}.
 *
 * <p><b>A lost connection</b> loses nothing: once connected again the node reads on from its last snapshot. If it
 * could not read for half as long as rows are kept (an outage, a pause), it empties its caches instead, as when it
 * reads a change it cannot understand. Meanwhile its caches answer what they hold, as in any database outage: no
 * write can commit while the database is down, but one that reached it from another node while this one was cut
 * off shows here only once this node reads again.
 */
public final class NodeFeed implements ChangeFeed.Others, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NodeFeed.class.getName());
    private static final String NODES = "conduit_nodes";
    private static final String NAME_PREFIX = "conduit-feed ";
    /** The log is read at once when a barrier asks; this often otherwise (changes made in SQL, a missed barrier). */
    private static final int POLL_MILLIS = 50;
    private static final Duration RETRY = Duration.ofMillis(250);
    private static final Duration REFRESH = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(2);
    private static final Duration KEPT = Duration.ofMinutes(1);

    /**
     * Reads the changes other writers logged; built when the first is heard, not before the node listens (a Jackson
     * mapper cost the start ~50 ms of a cold JVM).
     */
    private static final class ChangeReader {
        static final ObjectMapper MAPPER = JsonMapper.builder()
                .addModule(new SimpleModule().addDeserializer(Instant.class, new StdDeserializer<>(Instant.class) {
                    @Override
                    public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
                        return OffsetDateTime.parse(parser.getValueAsString()).toInstant();
                    }
                }))
                // a field a later release adds is of no use to this one
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    /** Opens a connection of the feed's own, named {@code applicationName}. */
    @FunctionalInterface
    public interface Connector {
        Connection connect(String applicationName) throws SQLException;
    }

    private final String node;
    private final Connector connector;
    private final Jdbi jdbi;
    private final Duration wait;
    private final AtomicLong barriers = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition answered = lock.newCondition();
    /** Live nodes other than this one. */
    private final Map<String, Other> others = new HashMap<>();
    /** Nodes that said bye, for as long as their connection still shows in {@code pg_stat_activity}. */
    private final Set<String> gone = new HashSet<>();
    private volatile int otherCount;
    private final LongAdder heard = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final CompletableFuture<Void> joined = new CompletableFuture<>();
    /** Done once {@link #start} has named the feed and the caches, which the listener needs from its first read. */
    private final CompletableFuture<Void> wired = new CompletableFuture<>();
    private volatile boolean listening;
    /** The snapshot the log was last read in, and when: where a new connection reads on from. */
    private String snapshot;
    private long readAt;
    private volatile boolean closed;
    private ChangeFeed feed;
    private List<Cached<?, ?>> caches;
    private Thread listener;
    private CompletableFuture<?> schema;

    /**
     * A live node: the highest of our barriers it answered; late once it let one pass unanswered, and not waited
     * for until it answers again (a paused or stuck node would otherwise hold every write for the whole wait).
     */
    private static final class Other {
        long answered;
        boolean late;
    }

    /**
     * The feed of node {@code node} ({@link #newNodeName}), listening on connections {@code connector} opens; its
     * barriers sent through {@code jdbi}, each write waiting {@code wait} at most for the other nodes.
     */
    public NodeFeed(String node, Connector connector, Jdbi jdbi, Duration wait) {
        this.node = node;
        this.connector = connector;
        this.jdbi = jdbi;
        this.wait = wait;
    }

    /** A name for a node starting now: unique among the nodes of a database. */
    public static String newNodeName() {
        // 48 random bits; not a secret, so not SecureRandom, whose seeding cost the start ~20 ms
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()).substring(4);
    }

    /** This node's name on the feed: what its pool's connections set as {@code conduit.node}. */
    public String node() {
        return node;
    }

    /**
     * Opens the feed's connection and listens, on a thread of its own, while the rest of the node is built: the
     * login (SCRAM hashing, slow on a cold JVM) was the last thing a start waited for. Reads the log once
     * {@code schema} is done and {@link #start} has been called.
     */
    public void connect(CompletableFuture<?> schema) {
        this.schema = schema;
        listener = Thread.ofPlatform().daemon().name("node-feed").start(this::listen);
    }

    /**
     * Hands other writers' changes to {@code feed} from now on, emptying {@code caches} when changes may have been
     * missed. The returned future completes once this node reads the log and the live nodes have answered its first
     * barrier (so they wait for it from then on), or after the wait, or once it is known that the log cannot be read
     * yet.
     */
    public CompletableFuture<Void> start(ChangeFeed feed, List<Cached<?, ?>> caches) {
        this.feed = feed;
        this.caches = caches;
        wired.complete(null);
        return joined;
    }

    @Override
    public boolean any() {
        return otherCount > 0;
    }

    /**
     * Returns once every other live node has read the changes committed before this call, or after the wait.
     * Without other nodes (or while this node does not listen, and so could not hear their answers) at once.
     */
    @Override
    public void caughtUp() {
        if (otherCount == 0 || !listening) {
            return;
        }
        Set<String> waitFor = new HashSet<>();
        lock.lock();
        try {
            others.forEach((name, other) -> {
                if (!other.late) {
                    waitFor.add(name);
                }
            });
        } finally {
            lock.unlock();
        }
        // sent to late nodes too: their answer makes them waited for again
        long barrier = barriers.incrementAndGet();
        try {
            tell("barrier " + node + " " + barrier); // after the write that called committed
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not ask the other nodes to catch up: " + e.getMessage());
            return;
        }
        long deadline = System.nanoTime() + wait.toNanos();
        lock.lock();
        try {
            while (listening) {
                waitFor.removeIf(name -> {
                    var other = others.get(name);
                    return other == null || other.answered >= barrier;
                });
                if (waitFor.isEmpty()) {
                    return;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    timeouts.increment();
                    waitFor.forEach(name -> others.get(name).late = true);
                    LOG.log(System.Logger.Level.WARNING, "No answer from node(s) " + waitFor + " within "
                            + wait.toMillis() + " ms: not waited for until they answer again");
                    return;
                }
                answered.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** How many other nodes listen now. */
    public int otherNodes() {
        return otherCount;
    }

    /** Whether this node reads the log now. */
    public boolean listening() {
        return listening;
    }

    /** Changes from other writers handled since the start. */
    public long heard() {
        return heard.sum();
    }

    /** Barriers some live node did not answer in time. */
    public long ackTimeouts() {
        return timeouts.sum();
    }

    @Override
    public void close() {
        closed = true;
        wired.cancel(false); // a listener still waiting for start stops
        if (listener == null) {
            return;
        }
        if (listening) {
            try {
                tell("bye " + node);
            } catch (RuntimeException e) {
                // the connection's end tells the others as much, within a second
            }
        }
        try {
            listener.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void listen() {
        try {
            var retry = RETRY;
            while (!closed) {
                try (var opened = connector.connect(NAME_PREFIX + node);
                     var log = opened.prepareStatement("""
                             with now as (select pg_current_snapshot() as snapshot)
                             select now.snapshot::text, c.type, c.change::text
                             from now left join change_log c
                                 on (c.xid >= pg_snapshot_xmax(cast(? as pg_snapshot))
                                     or c.xid = any(array(select pg_snapshot_xip(cast(? as pg_snapshot)))))
                                 and c.node is distinct from ?
                             """)) {
                    try (var statement = opened.createStatement()) {
                        // planned for each read's own snapshot: a generic plan of "xid >= ?" scans the whole log
                        statement.execute("set plan_cache_mode = force_custom_plan; listen " + NODES);
                    }
                    log.setString(3, node);
                    schema.join();
                    wired.join();
                    // from here on nothing is missed: what was cached before goes
                    if (snapshot == null || System.nanoTime() - readAt > KEPT.toNanos() / 2) {
                        if (snapshot != null) {
                            LOG.log(System.Logger.Level.WARNING, "The change log was not read for "
                                    + Duration.ofNanos(System.nanoTime() - readAt).toSeconds()
                                    + " s: emptying the caches");
                            caches.forEach(Cached::invalidateAll);
                        }
                        snapshot = snapshot(opened);
                        readAt = System.nanoTime();
                    }
                    listening = true;
                    retry = RETRY;
                    refreshNodes(opened);
                    long barrier = barriers.incrementAndGet();
                    send(opened, List.of("barrier " + node + " " + barrier));
                    long joinBy = System.nanoTime() + wait.toNanos();
                    long refreshAt = System.nanoTime() + REFRESH.toNanos();
                    var horizons = new ArrayDeque<Horizon>();
                    var pg = opened.unwrap(PGConnection.class);
                    if (answeredAll(barrier)) {
                        joined.complete(null); // alone on the database
                    }
                    while (!closed) {
                        var batch = pg.getNotifications(POLL_MILLIS);
                        var toAnswer = nodesSaid(batch == null ? new PGNotification[0] : batch);
                        if (System.nanoTime() - readAt > KEPT.toNanos() / 2) {
                            LOG.log(System.Logger.Level.WARNING, "The change log was not read for "
                                    + Duration.ofNanos(System.nanoTime() - readAt).toSeconds()
                                    + " s: emptying the caches");
                            caches.forEach(Cached::invalidateAll);
                        }
                        snapshot = read(log, snapshot);
                        readAt = System.nanoTime();
                        // answered after the read: the changes committed before each barrier are handled
                        if (!toAnswer.isEmpty()) {
                            send(opened, toAnswer.entrySet().stream()
                                    .map(asked -> "ack " + node + " " + asked.getKey() + " " + asked.getValue())
                                    .toList());
                        }
                        if (!joined.isDone() && (answeredAll(barrier) || System.nanoTime() > joinBy)) {
                            joined.complete(null);
                        }
                        if (System.nanoTime() > refreshAt) {
                            refreshNodes(opened);
                            refreshAt = System.nanoTime() + REFRESH.toNanos();
                            prune(opened, snapshot, horizons);
                        }
                    }
                } catch (SQLException | RuntimeException e) {
                    if (closed) {
                        break;
                    }
                    boolean wasListening = listening;
                    stopListening();
                    if (wasListening) {
                        LOG.log(System.Logger.Level.WARNING, "Lost the change feed's connection (" + e.getMessage()
                                + "): reading on from where it was once it is back");
                    }
                    joined.complete(null); // a node that cannot read the log yet serves
                    Thread.sleep(retry);
                    retry = retry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retry.multipliedBy(2);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopListening();
            joined.complete(null);
        }
    }

    private static String snapshot(Connection opened) throws SQLException {
        try (var statement = opened.createStatement();
             var rows = statement.executeQuery("select pg_current_snapshot()::text")) {
            rows.next();
            return rows.getString(1);
        }
    }

    /** Hands over the changes other writers committed since {@code snapshot}; returns the snapshot read in. */
    private String read(PreparedStatement log, String snapshot) throws SQLException {
        log.setString(1, snapshot);
        log.setString(2, snapshot);
        String now = snapshot;
        try (var rows = log.executeQuery()) {
            while (rows.next()) {
                now = rows.getString(1);
                if (rows.getString(2) != null) {
                    changed(rows.getString(2), rows.getString(3));
                }
            }
        }
        return now;
    }

    /** A snapshot's xmin and when it was read: rows below it may go once it is {@link #KEPT} old. */
    private record Horizon(String xmin, long at) {
    }

    /** Every second notes where the log stands; removes the rows of transactions that ended a minute ago. */
    private static void prune(Connection opened, String snapshot, ArrayDeque<Horizon> horizons) throws SQLException {
        horizons.addLast(new Horizon(snapshot.substring(0, snapshot.indexOf(':')), System.nanoTime()));
        Horizon due = null;
        while (!horizons.isEmpty() && System.nanoTime() - horizons.peekFirst().at() > KEPT.toNanos()) {
            due = horizons.pollFirst();
        }
        if (due != null) {
            try (var statement = opened.prepareStatement("delete from change_log where xid < cast(? as xid8)")) {
                statement.setString(1, due.xmin());
                statement.executeUpdate();
            }
        }
    }

    private void stopListening() {
        listening = false; // writes stop waiting for answers this node could not hear
        lock.lock();
        try {
            answered.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** What the other nodes said; returns the barriers to answer, by node: the highest of each. */
    private Map<String, Long> nodesSaid(PGNotification[] batch) {
        var toAnswer = new HashMap<String, Long>();
        for (var notification : batch) {
            String[] words = notification.getParameter().split(" ");
            try {
                nodeSaid(words, toAnswer);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Unreadable message on " + NODES + ": "
                        + notification.getParameter());
            }
        }
        return toAnswer;
    }

    private void changed(String typeName, String change) {
        try {
            var type = feed.type(typeName).orElseThrow(() -> new IllegalArgumentException("no such change"));
            feed.heard(ChangeReader.MAPPER.readValue(change, type));
            heard.increment();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not read a change (" + e.getMessage() + "), emptying the "
                    + "caches: " + typeName + " " + change);
            caches.forEach(Cached::invalidateAll);
        }
    }

    private void nodeSaid(String[] words, Map<String, Long> toAnswer) {
        lock.lock();
        try {
            switch (words[0]) {
                case "barrier" -> {
                    long asked = Long.parseLong(words[2]);
                    if (!words[1].equals(node)) {
                        others.computeIfAbsent(words[1], name -> new Other());
                        toAnswer.merge(words[1], asked, Math::max);
                    }
                }
                case "ack" -> {
                    long acked = Long.parseLong(words[3]);
                    if (words[2].equals(node)) {
                        var other = others.computeIfAbsent(words[1], name -> new Other());
                        other.answered = Math.max(other.answered, acked);
                        other.late = false;
                        answered.signalAll();
                    }
                }
                case "bye" -> {
                    others.remove(words[1]);
                    gone.add(words[1]);
                    answered.signalAll();
                }
                default -> throw new IllegalArgumentException(words[0]);
            }
            otherCount = others.size();
        } finally {
            lock.unlock();
        }
    }

    private boolean answeredAll(long barrier) {
        lock.lock();
        try {
            return others.values().stream().allMatch(other -> other.answered >= barrier);
        } finally {
            lock.unlock();
        }
    }

    /** The live nodes: those listening now; those that stopped are not waited for any longer. */
    private void refreshNodes(Connection opened) throws SQLException {
        var live = new HashSet<String>();
        try (var query = opened.prepareStatement("""
                select substr(application_name, ?) from pg_stat_activity
                where datname = current_database() and application_name like ? and application_name <> ?
                """)) {
            query.setInt(1, NAME_PREFIX.length() + 1);
            query.setString(2, NAME_PREFIX + "%");
            query.setString(3, NAME_PREFIX + node); // a connection of ours lost on our side may linger there
            try (var rows = query.executeQuery()) {
                while (rows.next()) {
                    live.add(rows.getString(1));
                }
            }
        }
        lock.lock();
        try {
            gone.retainAll(live);
            live.removeAll(gone);
            others.keySet().retainAll(live);
            live.forEach(name -> others.computeIfAbsent(name, n -> new Other()));
            otherCount = others.size();
            answered.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Sends {@code payload} on {@code conduit_nodes} from a connection of the pool (not the listener's, busy). */
    private void tell(String payload) {
        jdbi.useHandle(h -> h.createQuery("select 1 from (select pg_notify('" + NODES + "', :payload)) told")
                .bind("payload", payload).mapTo(Integer.class).one());
    }

    private static void send(Connection opened, List<String> payloads) throws SQLException {
        try (var statement = opened.prepareStatement(
                "select pg_notify('" + NODES + "', payload) from unnest(cast(? as text[])) payload")) {
            statement.setArray(1, opened.createArrayOf("text", payloads.toArray()));
            statement.execute();
        }
    }
}
