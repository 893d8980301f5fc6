package dev.conduit.platform.cache;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Carries "this changed" to every cache that holds it. A change is a record of plain values (ids, names).
 *
 * <p>Changes this node made are published by the logic that wrote them, after the write committed, and handled
 * before {@link #publish} returns, so the writer's next read misses what it changed; the handlers may update
 * their entries in place while this node is alone on its database. With other nodes there, whose changes to the
 * same rows may be heard before or after ours, every change only drops what it names (or makes an update that no
 * other change can overtake: a new article joining lists, which a change of it heard first voids). Changes other
 * writers made (other nodes on the database, an operator's SQL) arrive from the database's triggers through
 * {@link NodeFeed} ({@link #heard}), on one thread, not in the order they committed, and after this node's own
 * changes of the same rows may have been applied: their handlers drop what the change names, and the next read loads
 * it again.
 */
public final class ChangeFeed {
    private final Map<Class<?>, List<Handlers>> handlers = new ConcurrentHashMap<>();
    private final Map<String, Class<? extends Record>> types = new ConcurrentHashMap<>();
    private final Others others;

    private record Handlers(Consumer<Object> here, Consumer<Object> elsewhere) {
    }

    /** The other nodes on the database. */
    public interface Others {
        /** None: a node alone. */
        Others NONE = new Others() {
            @Override
            public boolean any() {
                return false;
            }

            @Override
            public void caughtUp() {
            }
        };

        /** Whether any other node is there now. */
        boolean any();

        /** Returns once the other nodes have heard every change committed before the call. */
        void caughtUp();
    }

    /** A feed of this node's changes only. */
    public ChangeFeed() {
        this(Others.NONE);
    }

    /** A feed whose {@link #publish} returns once {@code others} have heard the change too. */
    public ChangeFeed(Others others) {
        this.others = others;
    }

    /** {@code handler} hears of every change of {@code type} from now on, wherever it was made: it drops. */
    public <T extends Record> void subscribe(Class<T> type, Consumer<? super T> handler) {
        subscribe(type, handler, handler);
    }

    /**
     * {@code here} hears of every change of {@code type} this node makes, {@code elsewhere} of those made by other
     * writers, which it drops from its caches (or applies in a way no other change can overtake).
     */
    public <T extends Record> void subscribe(Class<T> type, Consumer<? super T> here, Consumer<? super T> elsewhere) {
        var named = types.putIfAbsent(type.getSimpleName(), type);
        if (named != null && named != type) {
            throw new IllegalArgumentException("two kinds of change named " + type.getSimpleName());
        }
        handlers.computeIfAbsent(type, t -> new CopyOnWriteArrayList<>()).add(new Handlers(
                change -> here.accept(type.cast(change)), change -> elsewhere.accept(type.cast(change))));
    }

    /**
     * Tells every subscriber of the change's type, then waits for the other nodes to drop what the change named;
     * call it after the transaction that made the change committed.
     */
    public void publish(Record change) {
        apply(change);
        othersCaughtUp();
    }

    /**
     * Tells every subscriber of the change's type, and only that: for a write that holds a lock while it publishes,
     * which then calls {@link #othersCaughtUp} once it let go.
     */
    public void apply(Record change) {
        deliver(change, !others.any());
    }

    /** Returns once the other nodes have heard every change committed before the call. */
    public void othersCaughtUp() {
        others.caughtUp();
    }

    /** Tells every subscriber of the change's type of a change another writer made. */
    void heard(Record change) {
        deliver(change, false);
    }

    /** To each subscriber's {@code here} handler, or its {@code elsewhere} one (which drops). */
    private void deliver(Record change, boolean here) {
        for (var handler : handlers.getOrDefault(change.getClass(), List.of())) {
            (here ? handler.here() : handler.elsewhere()).accept(change);
        }
    }

    /** The type of change named {@code name} (its simple name), if anything subscribed to it. */
    Optional<Class<? extends Record>> type(String name) {
        return Optional.ofNullable(types.get(name));
    }
}
