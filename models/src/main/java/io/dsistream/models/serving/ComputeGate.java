package io.dsistream.models.serving;

import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Model passes on the process's cores, query passes first. A query and a document pass that run at once each spread
 * over every core (PyTorch's intra-op threads), so on a small machine a query competes with a document batch; the
 * gate lets no new document pass start while a query pass is waiting or running. Document batches are run as short
 * sub-passes (each one {@link #enter entry}), so a query meets at most one sub-pass, not a whole batch.
 *
 * <p>Modes ({@link Mode}): {@link Mode#EXCLUSIVE} runs one pass at a time, and a query waits for the running
 * sub-pass to end; {@link Mode#OVERLAP} starts a query at once, alongside the running sub-pass if there is one;
 * {@link Mode#OFF} lets every pass start at once (it only counts them). In EXCLUSIVE and OVERLAP, a document pass waits for the queries ahead of it, unless it has already watched
 * {@link #maxQueriesAhead()} query passes go ahead of it (the fairness bound: documents are delayed by queries, never
 * starved). With no query about, document passes run back to back without waiting at all. Within a priority the
 * order is whichever waiter wakes first.
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

    /** Whether a query pass waits for the document pass running when it arrives. */
    public enum Mode {
        /** No gating: query and document passes run at once and share the cores. */
        OFF,
        /**
         * One pass at a time: the query waits for the running document sub-pass, or for its current encoder layer
         * when the pass yields between layers ({@link Pass#yieldToQueries()}), then has the cores alone.
         */
        EXCLUSIVE,
        /** The query starts at once, sharing the cores with the running document sub-pass (at most one). */
        OVERLAP
    }

    /** Query passes that may go ahead of one waiting document pass in {@link #jvmWide()}. */
    public static final int DEFAULT_MAX_QUERIES_AHEAD = 8;

    private static final ComputeGate OFF = new ComputeGate(Mode.OFF, DEFAULT_MAX_QUERIES_AHEAD);
    private static final ComputeGate EXCLUSIVE = new ComputeGate(Mode.EXCLUSIVE, DEFAULT_MAX_QUERIES_AHEAD);
    private static final ComputeGate OVERLAP = new ComputeGate(Mode.OVERLAP, DEFAULT_MAX_QUERIES_AHEAD);

    private final Mode mode;
    private final int maxQueriesAhead;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private int queriesRunning;
    private int documentsRunning;
    private int queriesWaiting;
    private int documentsWaiting;
    /** Query passes granted while a document pass was waiting, since the last document pass was granted. */
    private int queriesAhead;
    private long queryPasses;
    private long documentPasses;
    private long documentYields;

    /** @param maxQueriesAhead query passes that may go ahead of a waiting document pass, at least 1 */
    public ComputeGate(Mode mode, int maxQueriesAhead) {
        if (maxQueriesAhead < 1) {
            throw new IllegalArgumentException("maxQueriesAhead must be at least 1, got " + maxQueriesAhead);
        }
        this.mode = Objects.requireNonNull(mode, "mode");
        this.maxQueriesAhead = maxQueriesAhead;
    }

    /**
     * The gate of {@code mode} shared by every operator in this JVM (a Flink task manager's slots share its cores),
     * with {@link #DEFAULT_MAX_QUERIES_AHEAD}. It holds no model and nothing to close.
     */
    public static ComputeGate jvmWide(Mode mode) {
        return switch (mode) {
            case OFF -> OFF;
            case EXCLUSIVE -> EXCLUSIVE;
            case OVERLAP -> OVERLAP;
        };
    }

    /** A held gate; {@link #close()} releases it (once). */
    public final class Pass implements AutoCloseable {
        private final Priority priority;
        private boolean closed;

        private Pass(Priority priority) {
            this.priority = priority;
        }

        /**
         * Lets the queries waiting now go first, when this is a document pass in {@link Mode#EXCLUSIVE}: releases
         * the gate, waits for it as a document pass does (behind at most {@link #maxQueriesAhead()} queries), and
         * holds it again. Otherwise, or with no query waiting, returns at once. Called between the steps of a long
         * pass (its encoder layers: {@code LayerBoundary}), it makes a query wait for one step, not the whole pass.
         *
         * @throws InterruptedException if interrupted while waiting; the pass is then released and closed
         */
        public void yieldToQueries() throws InterruptedException {
            if (closed) {
                throw new IllegalStateException("the pass is closed");
            }
            if (mode != Mode.EXCLUSIVE || priority != Priority.DOCUMENT) {
                return;
            }
            try {
                stepAside();
            } catch (InterruptedException e) {
                closed = true;
                throw e;
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release(priority);
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
                    while (!queryMayStart()) {
                        released.await();
                    }
                } finally {
                    queriesWaiting--;
                }
                if (documentsWaiting > 0) {
                    queriesAhead++;
                }
                queryPasses++;
                queriesRunning++;
            } else {
                awaitDocumentTurn();
                documentPasses++;
            }
            return new Pass(priority);
        } finally {
            // A waiter that gave up may have been what blocked the others.
            released.signalAll();
            lock.unlock();
        }
    }

    /** Not while a document pass has let {@link #maxQueriesAhead} queries go first; in EXCLUSIVE, not while held. */
    private boolean queryMayStart() {
        if (mode == Mode.OFF) {
            return true;
        }
        if (documentsWaiting > 0 && queriesAhead >= maxQueriesAhead) {
            return false;
        }
        return mode == Mode.OVERLAP || queriesRunning + documentsRunning == 0;
    }

    /** Not while a query is ahead (waiting, or in OVERLAP also running), up to the fairness bound. */
    private boolean documentMayStart() {
        if (mode == Mode.OFF) {
            return true;
        }
        boolean fairTurn = queriesAhead >= maxQueriesAhead;
        if (mode == Mode.OVERLAP) {
            return fairTurn || (queriesRunning == 0 && queriesWaiting == 0);
        }
        return queriesRunning + documentsRunning == 0 && (fairTurn || queriesWaiting == 0);
    }

    /** With the lock held: waits as a document pass until {@link #documentMayStart()}, then runs as one. */
    private void awaitDocumentTurn() throws InterruptedException {
        documentsWaiting++;
        try {
            while (!documentMayStart()) {
                released.await();
            }
        } finally {
            documentsWaiting--;
        }
        queriesAhead = 0;
        documentsRunning++;
    }

    /** A held document pass waits, unheld, for the queries waiting now; holds the gate again on return. */
    private void stepAside() throws InterruptedException {
        lock.lock(); // not interruptibly: an interrupt must find the pass released (in await below), never held
        try {
            if (queriesWaiting == 0) {
                return;
            }
            documentsRunning--;
            released.signalAll();
            try {
                awaitDocumentTurn();
            } finally {
                released.signalAll();
            }
            documentYields++;
        } finally {
            lock.unlock();
        }
    }

    private void release(Priority priority) {
        lock.lock();
        try {
            if (priority == Priority.QUERY) {
                queriesRunning--;
            } else {
                documentsRunning--;
            }
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

    /** Times a document pass stepped aside for waiting queries ({@link Pass#yieldToQueries()}). */
    public long documentYields() {
        lock.lock();
        try {
            return documentYields;
        } finally {
            lock.unlock();
        }
    }

    public Mode mode() {
        return mode;
    }

    public int maxQueriesAhead() {
        return maxQueriesAhead;
    }
}
