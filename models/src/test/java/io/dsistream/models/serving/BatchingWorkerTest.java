package io.dsistream.models.serving;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BatchingWorkerTest {

    @Test
    void concurrentRequestsShareOnePassAndEachGetsItsOwnRow() throws Exception {
        List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
        // A long max wait: the batch runs when it is full, so the grouping is deterministic.
        try (BatchingWorker<String, Integer> worker = new BatchingWorker<>("test", batch -> {
            batchSizes.add(batch.size());
            return batch.stream().map(String::length).collect(Collectors.toList());
        }, 4, Duration.ofMinutes(1), 16)) {
            List<CompletableFuture<Integer>> results = new ArrayList<>();
            for (String s : List.of("a", "bb", "ccc", "dddd", "eeeee", "ffffff", "ggggggg", "hhhhhhhh")) {
                results.add(worker.submit(s));
            }
            for (int i = 0; i < results.size(); i++) {
                assertEquals(i + 1, results.get(i).get());
            }
            assertEquals(List.of(4, 4), batchSizes);
            assertEquals(2, worker.batches());
            assertEquals(8, worker.items());
        }
    }

    @Test
    void aFailedPassFailsEveryRequestOfItsBatchAndTheWorkerGoesOn() throws Exception {
        try (BatchingWorker<Integer, Integer> worker = new BatchingWorker<>("test", batch -> {
            if (batch.contains(-1)) {
                throw new IllegalStateException("model failed");
            }
            return batch;
        }, 2, Duration.ofMinutes(1), 16)) {
            CompletableFuture<Integer> a = worker.submit(1);
            CompletableFuture<Integer> b = worker.submit(-1);
            ExecutionException failure = assertThrows(ExecutionException.class, a::get);
            assertInstanceOf(IllegalStateException.class, failure.getCause());
            assertThrows(ExecutionException.class, b::get);
            CompletableFuture<Integer> c = worker.submit(3);
            CompletableFuture<Integer> d = worker.submit(4);
            assertEquals(3, c.get());
            assertEquals(4, d.get());
        }
    }

    @Test
    void aFullQueueRejectsAndCloseCancelsWhatIsQueued() throws Exception {
        CountDownLatch inPass = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BatchingWorker<Integer, Integer> worker = new BatchingWorker<>("test", batch -> {
            inPass.countDown();
            release.await();
            return batch;
        }, 1, Duration.ZERO, 2);
        CompletableFuture<Integer> running = worker.submit(0);
        inPass.await();
        CompletableFuture<Integer> queued1 = worker.submit(1);
        CompletableFuture<Integer> queued2 = worker.submit(2);
        CompletableFuture<Integer> rejected = worker.submit(3);
        ExecutionException full = assertThrows(ExecutionException.class, rejected::get);
        assertInstanceOf(RejectedExecutionException.class, full.getCause());
        release.countDown();
        assertEquals(0, running.get());
        worker.close();
        // Whatever had not run by close() is cancelled, never left hanging.
        for (CompletableFuture<Integer> f : List.of(queued1, queued2)) {
            try {
                f.get();
            } catch (CancellationException | ExecutionException e) {
                // cancelled
            }
        }
        assertThrows(CancellationException.class, () -> worker.submit(9).get());
    }
}
