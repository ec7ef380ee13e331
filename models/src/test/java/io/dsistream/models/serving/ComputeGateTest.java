package io.dsistream.models.serving;

import io.dsistream.models.serving.ComputeGate.Mode;
import io.dsistream.models.serving.ComputeGate.Priority;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComputeGateTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);

    @Test
    void aQueryWaitingBeforeTheGateIsReleasedGoesAheadOfAnEarlierDocument() {
        assertTimeoutPreemptively(LIMIT, () -> {
            ComputeGate gate = new ComputeGate(Mode.EXCLUSIVE, 8);
            List<String> order = Collections.synchronizedList(new ArrayList<>());
            ComputeGate.Pass running = gate.enter(Priority.DOCUMENT);
            Thread document = passThread(gate, Priority.DOCUMENT, "document", order);
            document.start();
            awaitWaiting(gate, Priority.DOCUMENT, 1);
            Thread query = passThread(gate, Priority.QUERY, "query", order);
            query.start();
            awaitWaiting(gate, Priority.QUERY, 1);
            running.close();
            document.join();
            query.join();
            assertEquals(List.of("query", "document"), order);
        });
    }

    @Test
    void aQueryWaitsForTheRunningDocumentPassToEnd() {
        assertTimeoutPreemptively(LIMIT, () -> {
            ComputeGate gate = new ComputeGate(Mode.EXCLUSIVE, 8);
            ComputeGate.Pass running = gate.enter(Priority.DOCUMENT);
            CountDownLatch entered = new CountDownLatch(1);
            Thread query = enteringThread(gate, Priority.QUERY, entered);
            query.start();
            awaitWaiting(gate, Priority.QUERY, 1);
            assertFalse(entered.await(100, TimeUnit.MILLISECONDS), "the query entered a held gate");
            running.close();
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            query.join();
        });
    }

    @Test
    void documentPassesRunBackToBackWhenNoQueryComes() {
        ComputeGate gate = new ComputeGate(Mode.EXCLUSIVE, 1);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            for (int i = 0; i < 10_000; i++) {
                try (ComputeGate.Pass pass = gate.enter(Priority.DOCUMENT)) {
                    assertEquals(0, gate.waiting(Priority.DOCUMENT));
                }
            }
        });
        assertEquals(10_000, gate.passes(Priority.DOCUMENT));
        assertEquals(0, gate.passes(Priority.QUERY));
    }

    @Test
    void aWaitingDocumentLetsAtMostMaxQueriesAheadGoFirst() {
        assertTimeoutPreemptively(LIMIT, () -> {
            int maxAhead = 3;
            int queries = 10;
            ComputeGate gate = new ComputeGate(Mode.EXCLUSIVE, maxAhead);
            List<String> order = Collections.synchronizedList(new ArrayList<>());
            ComputeGate.Pass running = gate.enter(Priority.QUERY);
            Thread document = passThread(gate, Priority.DOCUMENT, "document", order);
            document.start();
            awaitWaiting(gate, Priority.DOCUMENT, 1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < queries; i++) {
                Thread query = passThread(gate, Priority.QUERY, "query", order);
                threads.add(query);
                query.start();
            }
            awaitWaiting(gate, Priority.QUERY, queries);
            running.close();
            document.join();
            for (Thread query : threads) {
                query.join();
            }
            assertEquals(queries + 1, order.size());
            assertEquals(maxAhead, order.indexOf("document"), "passes in order: " + order);
        });
    }

    @Test
    void documentsAreNotStarvedByAContinuousQueryLoad() {
        // Four threads re-enter as queries back to back, so a query is nearly always waiting; the document passes
        // still all run (the exact bound is pinned by aWaitingDocumentLetsAtMostMaxQueriesAheadGoFirst).
        assertTimeoutPreemptively(LIMIT, () -> {
            ComputeGate gate = new ComputeGate(Mode.EXCLUSIVE, 2);
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> queryThreads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread query = new Thread(() -> {
                    while (!stop.get()) {
                        try (ComputeGate.Pass pass = gate.enter(Priority.QUERY)) {
                            Thread.onSpinWait();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                queryThreads.add(query);
                query.start();
            }
            while (gate.passes(Priority.QUERY) < 100) {
                Thread.sleep(1);
            }
            for (int i = 0; i < 200; i++) {
                try (ComputeGate.Pass pass = gate.enter(Priority.DOCUMENT)) {
                    Thread.onSpinWait();
                }
            }
            stop.set(true);
            for (Thread query : queryThreads) {
                query.join();
            }
            assertEquals(200, gate.passes(Priority.DOCUMENT));
        });
    }

    @Test
    void anInterruptedWaiterLeavesTheGateUsable() {
        assertTimeoutPreemptively(LIMIT, () -> {
            ComputeGate gate = new ComputeGate(Mode.EXCLUSIVE, 8);
            ComputeGate.Pass running = gate.enter(Priority.QUERY);
            Thread document = new Thread(() -> {
                assertThrows(InterruptedException.class, () -> gate.enter(Priority.DOCUMENT));
            });
            document.start();
            awaitWaiting(gate, Priority.DOCUMENT, 1);
            document.interrupt();
            document.join();
            assertEquals(0, gate.waiting(Priority.DOCUMENT));
            running.close();
            running.close(); // a second close does not release someone else's pass
            try (ComputeGate.Pass next = gate.enter(Priority.DOCUMENT)) {
                assertEquals(1, gate.passes(Priority.DOCUMENT));
            }
        });
    }

    @Test
    void inOverlapAQueryStartsAlongsideTheRunningDocumentPass() {
        assertTimeoutPreemptively(LIMIT, () -> {
            ComputeGate gate = new ComputeGate(Mode.OVERLAP, 8);
            try (ComputeGate.Pass document = gate.enter(Priority.DOCUMENT);
                 ComputeGate.Pass query = gate.enter(Priority.QUERY)) {
                assertEquals(1, gate.passes(Priority.QUERY));
            }
        });
    }

    @Test
    void inOverlapNoDocumentPassStartsWhileAQueryRuns() {
        assertTimeoutPreemptively(LIMIT, () -> {
            ComputeGate gate = new ComputeGate(Mode.OVERLAP, 8);
            ComputeGate.Pass query = gate.enter(Priority.QUERY);
            CountDownLatch entered = new CountDownLatch(1);
            Thread document = enteringThread(gate, Priority.DOCUMENT, entered);
            document.start();
            awaitWaiting(gate, Priority.DOCUMENT, 1);
            assertFalse(entered.await(100, TimeUnit.MILLISECONDS), "a document pass started beside a query");
            query.close();
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            document.join();
        });
    }

    @Test
    void inOverlapAWaitingDocumentStartsBesideTheRunningQueriesOnceMaxQueriesAheadWentFirst() {
        assertTimeoutPreemptively(LIMIT, () -> {
            int maxAhead = 2;
            ComputeGate gate = new ComputeGate(Mode.OVERLAP, maxAhead);
            List<ComputeGate.Pass> queries = new ArrayList<>();
            queries.add(gate.enter(Priority.QUERY));
            CountDownLatch documentEntered = new CountDownLatch(1);
            CountDownLatch releaseDocument = new CountDownLatch(1);
            Thread document = new Thread(() -> {
                try (ComputeGate.Pass pass = gate.enter(Priority.DOCUMENT)) {
                    documentEntered.countDown();
                    releaseDocument.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            document.start();
            awaitWaiting(gate, Priority.DOCUMENT, 1);
            for (int i = 0; i < maxAhead; i++) {
                queries.add(gate.enter(Priority.QUERY)); // goes ahead of the waiting document, alongside the others
            }
            // The document has let maxAhead queries go first: it starts now, beside the running queries.
            assertTrue(documentEntered.await(10, TimeUnit.SECONDS));
            // And a query arriving now starts at once again (the document is no longer waiting).
            try (ComputeGate.Pass late = gate.enter(Priority.QUERY)) {
                assertEquals(maxAhead + 2, gate.passes(Priority.QUERY));
            }
            releaseDocument.countDown();
            document.join();
            for (ComputeGate.Pass query : queries) {
                query.close();
            }
        });
    }

    @Test
    void aDocumentPassStepsAsideBetweenStepsForAWaitingQuery() {
        assertTimeoutPreemptively(LIMIT, () -> {
            ComputeGate gate = new ComputeGate(Mode.EXCLUSIVE, 8);
            List<String> order = Collections.synchronizedList(new ArrayList<>());
            try (ComputeGate.Pass document = gate.enter(Priority.DOCUMENT)) {
                order.add("document step 1");
                Thread query = passThread(gate, Priority.QUERY, "query", order);
                query.start();
                awaitWaiting(gate, Priority.QUERY, 1);
                document.yieldToQueries(); // returns once the query has run and released the gate
                order.add("document step 2");
                query.join();
                // the document holds the gate again: a new query waits for it
                CountDownLatch entered = new CountDownLatch(1);
                Thread late = enteringThread(gate, Priority.QUERY, entered);
                late.start();
                awaitWaiting(gate, Priority.QUERY, 1);
                assertFalse(entered.await(100, TimeUnit.MILLISECONDS),
                        "a query entered while the document held the gate");
                document.close();
                assertTrue(entered.await(10, TimeUnit.SECONDS));
                late.join();
            }
            assertEquals(List.of("document step 1", "query", "document step 2"), order);
            assertEquals(1, gate.passes(Priority.DOCUMENT), "stepping aside is not a new pass");
            assertEquals(1, gate.documentYields());
        });
    }

    @Test
    void steppingAsideWithoutAWaitingQueryOrOutsideExclusiveReturnsAtOnce() {
        assertTimeoutPreemptively(LIMIT, () -> {
            for (Mode mode : Mode.values()) {
                ComputeGate gate = new ComputeGate(mode, 8);
                try (ComputeGate.Pass document = gate.enter(Priority.DOCUMENT)) {
                    document.yieldToQueries();
                }
                assertEquals(0, gate.documentYields(), mode.name());
            }
            ComputeGate overlap = new ComputeGate(Mode.OVERLAP, 8);
            try (ComputeGate.Pass document = overlap.enter(Priority.DOCUMENT);
                 ComputeGate.Pass query = overlap.enter(Priority.QUERY)) {
                document.yieldToQueries(); // overlap: the query already runs beside it; nothing to wait for
                assertEquals(0, overlap.documentYields());
            }
        });
    }

    @Test
    void aDocumentInterruptedWhileSteppingAsideNoLongerHoldsTheGate() {
        assertTimeoutPreemptively(LIMIT, () -> {
            ComputeGate gate = new ComputeGate(Mode.EXCLUSIVE, 8);
            CountDownLatch queryIn = new CountDownLatch(1);
            CountDownLatch queryOut = new CountDownLatch(1);
            AtomicBoolean interrupted = new AtomicBoolean();
            Thread document = new Thread(() -> {
                try (ComputeGate.Pass pass = gate.enter(Priority.DOCUMENT)) {
                    queryIn.await();
                    pass.yieldToQueries();
                } catch (InterruptedException e) {
                    interrupted.set(true);
                }
            });
            Thread waitingQuery = new Thread(() -> {
                try (ComputeGate.Pass pass = gate.enter(Priority.QUERY)) {
                    queryOut.await(); // holds the gate until the document has been interrupted
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            document.start();
            while (gate.passes(Priority.DOCUMENT) == 0) {
                Thread.sleep(1);
            }
            waitingQuery.start();
            awaitWaiting(gate, Priority.QUERY, 1);
            queryIn.countDown();
            awaitWaiting(gate, Priority.DOCUMENT, 1); // stepped aside: the query now runs, the document waits
            document.interrupt();
            document.join();
            assertTrue(interrupted.get());
            queryOut.countDown();
            waitingQuery.join();
            // nothing is held: another document and a query enter one after the other without waiting
            try (ComputeGate.Pass next = gate.enter(Priority.DOCUMENT)) {
                assertEquals(0, gate.waiting(Priority.DOCUMENT));
            }
            try (ComputeGate.Pass next = gate.enter(Priority.QUERY)) {
                assertEquals(2, gate.passes(Priority.QUERY));
            }
        });
    }

    @Test
    void offLetsEveryPassStartAtOnce() {
        assertTimeoutPreemptively(LIMIT, () -> {
            ComputeGate gate = new ComputeGate(Mode.OFF, 1);
            try (ComputeGate.Pass query = gate.enter(Priority.QUERY);
                 ComputeGate.Pass document = gate.enter(Priority.DOCUMENT);
                 ComputeGate.Pass another = gate.enter(Priority.DOCUMENT)) {
                assertEquals(2, gate.passes(Priority.DOCUMENT));
            }
        });
    }

    private static Thread passThread(ComputeGate gate, Priority priority, String name, List<String> order) {
        return new Thread(() -> {
            try (ComputeGate.Pass pass = gate.enter(priority)) {
                order.add(name);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
    }

    /** A thread that enters the gate at {@code priority}, counts {@code entered} down and leaves. */
    private static Thread enteringThread(ComputeGate gate, Priority priority, CountDownLatch entered) {
        return new Thread(() -> {
            try (ComputeGate.Pass pass = gate.enter(priority)) {
                entered.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private static void awaitWaiting(ComputeGate gate, Priority priority, int n) throws InterruptedException {
        while (gate.waiting(priority) < n) {
            Thread.sleep(1);
        }
    }
}
