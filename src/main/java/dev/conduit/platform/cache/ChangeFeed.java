package dev.conduit.platform.cache;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Carries "this changed" from the logic that wrote it to every cache that holds it. A change is a record of plain
 * values (ids, names), published after the write committed and handled before {@link #publish} returns, so the
 * writer's next read misses what it changed. Today the feed is in-process; with several nodes it will also carry
 * each record to the others (PostgreSQL {@code LISTEN/NOTIFY}), which is why changes are data, not callbacks.
 */
public final class ChangeFeed {
    private final Map<Class<?>, List<Consumer<Object>>> handlers = new ConcurrentHashMap<>();

    /** {@code handler} hears of every change of {@code type} from now on. */
    public <T extends Record> void subscribe(Class<T> type, Consumer<? super T> handler) {
        handlers.computeIfAbsent(type, t -> new CopyOnWriteArrayList<>()).add(change -> handler.accept(type.cast(change)));
    }

    /** Tells every subscriber of the change's type; call it after the transaction that made the change committed. */
    public void publish(Record change) {
        for (var handler : handlers.getOrDefault(change.getClass(), List.of())) {
            handler.accept(change);
        }
    }
}
