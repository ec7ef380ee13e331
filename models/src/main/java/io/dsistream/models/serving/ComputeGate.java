package io.dsistream.models.serving;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One model pass at a time on the process's cores, query passes first. A query and a document pass that run at
 * once each spread over every core (PyTorch's intra-op threads), so on a small machine a query waits for, or
 * competes with, a document batch; the gate serialises the passes and hands the cores to a waiting query before
 * the next document pass. Document batches are run as short sub-passes (each one {@link #enter entry}), so a query
 * waits behind at most one sub-pass, not behind a whole batch.
 *
 * <p>Rules: at most one pass holds the gate. When it is released, a waiting {@link Priority#QUERY} pass goes first,
 * unless a {@link Priority#DOCUMENT} pass has already watched {@link #maxQueriesAhead()} query passes go ahead of it
 * (the fairness bound: documents are delayed by queries, never starved). With no query waiting, document passes
 * run back to back without waiting at all. Within a priority the order is whichever waiter wakes first.
 *
 * <pre>{@code
 * try (ComputeGate.Pass pass = gate.enter(ComputeGate.Priority.QUERY)) {
 *     plans = model.plan(texts);
 * }
 * }</pre>
 */
public final class ComputeGate {

    /** Query passes wait behind at most one running pass; document passes also behind waiting queries. */
    public enum Priority { QUERY, DOCUMENT }

    /** Query passes that may go ahead of one waiting document pass in {@link #jvmWide()}. */
    public static final int DEFAULT_MAX_QUERIES_AHEAD = 8;

    private static final ComputeGate JVM_WIDE = new ComputeGate(DEFAULT_MAX_QUERIES_AHEAD);

    private final int maxQueriesAhead;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private boolean held;
    private int queriesWaiting;
    private int documentsWaiting;
    /** Query passes granted while a document pass was waiting, since the last document pass was granted. */
    private int queriesAhead;
    private long queryPasses;
    private long documentPasses;

    /** @param maxQueriesAhead query passes that may go ahead of a waiting document pass, at least 1 */
    public ComputeGate(int maxQueriesAhead) {
        if (maxQueriesAhead < 1) {
            throw new IllegalArgumentException("maxQueriesAhead must be at least 1, got " + maxQueriesAhead);
        }
        this.maxQueriesAhead = maxQueriesAhead;
    }

    /**
     * The gate shared by every operator in this JVM (a Flink task manager's slots share its cores), with
     * {@link #DEFAULT_MAX_QUERIES_AHEAD}. It holds no model and nothing to close.
     */
    public static ComputeGate jvmWide() {
        return JVM_WIDE;
    }

    /** A held gate; {@link #close()} releases it (once). */
    public final class Pass implements AutoCloseable {
        private boolean closed;

        private Pass() {
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release();
            }
        }
    }

    /**
     * Waits for the gate and holds it; release it by closing the pass.
     *
     * @throws InterruptedException if interrupted while waiting (the gate is then not held)
     */
    public Pass enter(Priority priority) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            if (priority == Priority.QUERY) {
                queriesWaiting++;
                try {
                    while (held || (documentsWaiting > 0 && queriesAhead >= maxQueriesAhead)) {
                        released.await();
                    }
                } finally {
                    queriesWaiting--;
                }
                if (documentsWaiting > 0) {
                    queriesAhead++;
                }
                queryPasses++;
            } else {
                documentsWaiting++;
                try {
                    while (held || (queriesWaiting > 0 && queriesAhead < maxQueriesAhead)) {
                        released.await();
                    }
                } finally {
                    documentsWaiting--;
                }
                queriesAhead = 0;
                documentPasses++;
            }
            held = true;
            return new Pass();
        } finally {
            // A waiter that gave up may have been what blocked the others.
            released.signalAll();
            lock.unlock();
        }
    }

    private void release() {
        lock.lock();
        try {
            held = false;
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Passes of {@code priority} waiting now. */
    public int waiting(Priority priority) {
        lock.lock();
        try {
            return priority == Priority.QUERY ? queriesWaiting : documentsWaiting;
        } finally {
            lock.unlock();
        }
    }

    /** Passes of {@code priority} granted so far. */
    public long passes(Priority priority) {
        lock.lock();
        try {
            return priority == Priority.QUERY ? queryPasses : documentPasses;
        } finally {
            lock.unlock();
        }
    }

    public int maxQueriesAhead() {
        return maxQueriesAhead;
    }
}
