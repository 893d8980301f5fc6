package dev.conduit.platform.observe;

/**
 * What one request's log lines and metrics say of it, filled as it goes: its id at the start, its route once
 * routed, its user once authenticated, a count of its SQL statements.
 *
 * <p>The request's thread holds it ({@link #current()}) from the request's start until its answer is sent, so
 * that any log line written meanwhile names the request. A thread-local rather than a scoped value: Helidon runs
 * error handlers (which log a 500) after the filters' scope has ended, but before the answer is sent.
 */
public final class RequestRecord {
    private static final ThreadLocal<RequestRecord> CURRENT = new ThreadLocal<>();

    private final String id;
    private final String method;
    private final String path;
    private final long startNanos;
    private String route;
    private long userId;
    private int statements;
    private boolean admitted;
    private String traceId;
    private String spanId;

    private RequestRecord(String id, String method, String path, long startNanos) {
        this.id = id;
        this.method = method;
        this.path = path;
        this.startNanos = startNanos;
    }

    /** Starts the record of the request this thread now serves. */
    public static RequestRecord begin(String id, String method, String path) {
        var record = new RequestRecord(id, method, path, System.nanoTime());
        CURRENT.set(record);
        return record;
    }

    /** The request this thread serves; null outside requests. */
    public static RequestRecord current() {
        return CURRENT.get();
    }

    /** This thread no longer serves {@code record} (a later request's record is left alone). */
    public static void end(RequestRecord record) {
        if (CURRENT.get() == record) {
            CURRENT.remove();
        }
    }

    /** Counts an SQL statement for the request this thread serves, if any. */
    public static void statementRan() {
        var record = CURRENT.get();
        if (record != null) {
            record.statements++;
        }
    }

    /** The request this thread serves passed admission control (it was not let by, as health probes are). */
    public static void admitted() {
        var record = CURRENT.get();
        if (record != null) {
            record.admitted = true;
        }
    }

    /**
     * Whether this thread serves a request that passed admission control and has run no SQL statement yet: one
     * that may still be refused, as admission would have, with nothing it did lost.
     */
    public static boolean admittedBeforeAnyStatement() {
        var record = CURRENT.get();
        return record != null && record.admitted && record.statements == 0;
    }

    public String id() {
        return id;
    }

    public String method() {
        return method;
    }

    /** The raw path, without the query. */
    public String path() {
        return path;
    }

    public long startNanos() {
        return startNanos;
    }

    /** The route template that matched ({@code /api/articles/{slug}}); null when none did. */
    public String route() {
        return route;
    }

    public void route(String template) {
        this.route = template;
    }

    /** The authenticated user's id; 0 when none. */
    public long userId() {
        return userId;
    }

    public void userId(long id) {
        this.userId = id;
    }

    public int statements() {
        return statements;
    }

    /** The request's trace and span, when it is traced: the log lines name them. */
    public void trace(String traceId, String spanId) {
        this.traceId = traceId;
        this.spanId = spanId;
    }

    /** Null unless the request is traced. */
    public String traceId() {
        return traceId;
    }

    public String spanId() {
        return spanId;
    }
}
