package io.dsistream.models.serving;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One thread that serves many concurrent callers with batched model passes: {@link #submit} queues a request and
 * returns its future; the worker takes the oldest request, waits at most {@code maxWait} for more (up to
 * {@code maxBatchSize}), runs the batch function once over all of them and completes every future with its row.
 * A model called this way runs on one thread (one predictor), and a burst of requests costs one forward pass
 * instead of one per request.
 *
 * <p>Every submitted future completes: with its result, with the batch function's exception, with a
 * {@link RejectedExecutionException} when the queue is full, or with a {@link CancellationException} on
 * {@link #close()}.
 *
 * @param <I> request
 * @param <O> result, one per request
 */
public final class BatchingWorker<I, O> implements AutoCloseable {

    /** The model pass: one result per input, in order. */
    @FunctionalInterface
    public interface BatchFunction<I, O> {
        List<O> apply(List<I> batch) throws Exception;
    }

    private record Request<I, O>(I input, CompletableFuture<O> result) {
    }

    private final BatchFunction<I, O> function;
    private final int maxBatchSize;
    private final long maxWaitNanos;
    private final BlockingQueue<Request<I, O>> queue;
    private final Thread thread;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong items = new AtomicLong();
    private volatile boolean closed;

    /**
     * Starts the worker thread.
     *
     * @param name thread name, for thread dumps
     * @param maxBatchSize most requests per pass, at least 1
     * @param maxWait how long the oldest queued request may wait for batch-mates; zero runs whatever is queued
     * @param queueCapacity most requests waiting at once; more are rejected
     */
    public BatchingWorker(String name, BatchFunction<I, O> function, int maxBatchSize, Duration maxWait,
                          int queueCapacity) {
        this.function = Objects.requireNonNull(function, "function");
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be at least 1, got " + maxBatchSize);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative, got " + maxWait);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be at least 1, got " + queueCapacity);
        }
        this.maxBatchSize = maxBatchSize;
        this.maxWaitNanos = maxWait.toNanos();
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.thread = new Thread(this::serve, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues one request; the future completes when its batch has run. */
    public CompletableFuture<O> submit(I input) {
        CompletableFuture<O> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new CancellationException("batching worker " + thread.getName() + " is closed"));
        } else if (!queue.offer(new Request<>(input, result))) {
            result.completeExceptionally(new RejectedExecutionException("batching worker " + thread.getName()
                    + " queue is full (" + queue.size() + " waiting)"));
        }
        return result;
    }

    /** Model passes run so far. */
    public long batches() {
        return batches.get();
    }

    /** Requests served so far; {@code items() / batches()} is the mean batch size. */
    public long items() {
        return items.get();
    }

    private void serve() {
        List<Request<I, O>> batch = new ArrayList<>(maxBatchSize);
        while (!closed) {
            try {
                Request<I, O> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + maxWaitNanos;
                while (batch.size() < maxBatchSize) {
                    long left = deadline - System.nanoTime();
                    Request<I, O> next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                run(batch);
            } catch (InterruptedException e) {
                break;
            } finally {
                batch.clear();
            }
        }
        CancellationException cancelled = new CancellationException("batching worker " + thread.getName() + " closed");
        for (Request<I, O> left; (left = queue.poll()) != null; ) {
            left.result().completeExceptionally(cancelled);
        }
    }

    private void run(List<Request<I, O>> batch) {
        List<I> inputs = new ArrayList<>(batch.size());
        for (Request<I, O> request : batch) {
            inputs.add(request.input());
        }
        List<O> outputs;
        try {
            outputs = function.apply(inputs);
            if (outputs.size() != inputs.size()) {
                throw new IllegalStateException("batch function returned " + outputs.size() + " results for "
                        + inputs.size() + " inputs");
            }
        } catch (Throwable e) {
            for (Request<I, O> request : batch) {
                request.result().completeExceptionally(e);
            }
            return;
        }
        batches.incrementAndGet();
        items.addAndGet(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result().complete(outputs.get(i));
        }
    }

    /** Stops the thread; requests still queued complete with a {@link CancellationException}. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        CancellationException cancelled = new CancellationException("batching worker " + thread.getName() + " closed");
        for (Request<I, O> left; (left = queue.poll()) != null; ) {
            left.result().completeExceptionally(cancelled);
        }
    }
}
