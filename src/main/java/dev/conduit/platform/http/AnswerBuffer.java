package dev.conduit.platform.http;

import com.fasterxml.jackson.core.util.RecyclerPool;
import dev.conduit.platform.json.Jackson;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * An answer's body (JSON, a page), rendered into a byte array that is used again by later answers. Jackson's
 * {@code writeValueAsBytes} gathers the output in blocks and then copies them into an array of the exact size, and
 * jte's byte output joins its pieces into a new array: two copies of every answer, most of what a request
 * allocated, and so most of what made young collections come often. Buffers come from a bounded pool (Jackson's
 * own); one that grew past {@link #KEPT_UP_TO} is not kept.
 */
final class AnswerBuffer extends OutputStream implements RecyclerPool.WithPool<AnswerBuffer> {
    private static final int INITIAL = 16 * 1024;
    /** A 100,000-character article body renders to about this much; larger ones are rare enough to allocate. */
    private static final int KEPT_UP_TO = 256 * 1024;
    /** Renders run on as many carrier threads as there are cores and do not block; sends may, on a slow client. */
    private static final RecyclerPool<AnswerBuffer> POOL = new RecyclerPool.BoundedPoolBase<>(64) {
        @Override
        public AnswerBuffer createPooled() {
            return new AnswerBuffer();
        }
    };

    private byte[] bytes = new byte[INITIAL];
    private int size;
    private RecyclerPool<AnswerBuffer> pool;

    private AnswerBuffer() {
    }

    /** {@code value} as JSON, in a pooled buffer the caller gives back with {@link #releaseToPool()}. */
    static AnswerBuffer json(Object value) {
        return render(out -> Jackson.MAPPER.writeValue(out, value));
    }

    /** What {@code pieces} write, in a pooled buffer the caller gives back with {@link #releaseToPool()}. */
    static AnswerBuffer render(Html.Pieces pieces) {
        AnswerBuffer buffer = POOL.acquireAndLinkPooled();
        try {
            pieces.writeTo(buffer);
        } catch (IOException e) {
            buffer.releaseToPool();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            buffer.releaseToPool();
            throw e;
        }
        return buffer;
    }

    /** The rendered bytes are the first {@link #size()} of these. */
    byte[] bytes() {
        return bytes;
    }

    int size() {
        return size;
    }

    @Override
    public void write(int b) {
        ensureRoom(1);
        bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensureRoom(len);
        System.arraycopy(b, off, bytes, size, len);
        size += len;
    }

    /** Jackson closes its target once it has written: the buffer stays usable until given back. */
    @Override
    public void close() {
    }

    @Override
    public AnswerBuffer withPool(RecyclerPool<AnswerBuffer> pool) {
        this.pool = pool;
        return this;
    }

    @Override
    public void releaseToPool() {
        size = 0;
        if (bytes.length > KEPT_UP_TO) {
            return; // dropped: the pool makes a new one when it runs short
        }
        pool.releasePooled(this);
    }

    private void ensureRoom(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
