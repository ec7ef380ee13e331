package io.dsistream.operators.indexing;

import io.dsistream.models.encoder.TextEncoder;
import io.dsistream.models.serving.BatchingWorker;
import io.dsistream.models.serving.ComputeGate;
import io.dsistream.models.serving.IndexingBundle;
import io.dsistream.schemas.DocumentOp;
import io.dsistream.schemas.indexing.IndexRequest;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Embeds documents with the bundle's encoder. Concurrent {@link #asyncInvoke} calls (up to the async operator's
 * capacity) queue on one {@link BatchingWorker}, which runs one encoder pass per batch, so a burst costs one
 * forward pass of {@code batchSize} documents rather than one per document. Deletes go through the same worker
 * queue without encoding: the worker completes requests in arrival order, which keeps a delete behind an earlier
 * upsert of the same document even under {@code unorderedWait}.
 *
 * <p>Every request completes: an encoder failure or a {@link #timeout} yields the request marked
 * {@code encodeFailed}, which {@link AssignId} dead-letters; the job never fails for it.
 *
 * <p>Hot swap: a model-update control record ({@code switchToVersion > 0}) goes through the same worker queue, so
 * the documents queued before it are encoded by the old encoder and those after it by the new one; each request
 * carries the version that encoded it. The active version is checkpointed ({@link ActiveModelVersion}).
 *
 * <p>Queries first: a batch is encoded in sub-passes of at most {@code subBatch} documents, each entering the JVM-wide
 * {@link ComputeGate} of the {@code priority} mode at document priority, so a query pass ({@code AsyncRetrieve})
 * meets at most one sub-pass, not the whole batch ({@link ComputeGate.Mode#OFF}: no waiting). In
 * {@link ComputeGate.Mode#EXCLUSIVE} a sub-pass also steps aside between its encoder layers for a waiting query, so
 * the query waits for one layer of it.
 */
public class AsyncEncode extends RichAsyncFunction<IndexRequest, IndexRequest> implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AsyncEncode.class);

    /** Prefix of {@link IndexRequest#encodeError} for a timed-out request. */
    public static final String TIMEOUT_PREFIX = "timeout: ";

    private final ModelBundleSource bundleSource;
    private final int batchSize;
    private final long maxWaitMillis;
    private final int queueCapacity;
    private final int subBatch;
    private final ComputeGate.Mode priority;
    private final ActiveModelVersion active = new ActiveModelVersion();
    private boolean keepText;
    private transient TextEncoder encoder;
    private transient String encoderVersion;
    private transient Counter swaps;
    private transient Counter swapFailures;
    private transient BatchingWorker<IndexRequest, IndexRequest> worker;
    private transient Counter timeouts;
    private transient ComputeGate gate;

    /**
     * @param batchSize most documents per encoder pass
     * @param maxWait how long the first queued document waits for batch-mates
     * @param queueCapacity most requests queued on the worker (at least the async operator's capacity)
     * @param subBatch most documents per encoder pass within a batch; 0 (or at least {@code batchSize}): one pass
     * @param priority mode of the JVM-wide {@link ComputeGate} each pass enters at document priority
     */
    public AsyncEncode(ModelBundleSource bundleSource, int batchSize, Duration maxWait, int queueCapacity,
                       int subBatch, ComputeGate.Mode priority) {
        if (subBatch < 0) {
            throw new IllegalArgumentException("subBatch must not be negative, got " + subBatch);
        }
        this.bundleSource = bundleSource;
        this.batchSize = batchSize;
        this.maxWaitMillis = maxWait.toMillis();
        this.queueCapacity = queueCapacity;
        this.subBatch = subBatch == 0 ? batchSize : Math.min(subBatch, batchSize);
        this.priority = Objects.requireNonNull(priority, "priority");
    }

    /** Keeps each document's text after encoding (the trainer reads it); by default it is dropped there. */
    public AsyncEncode withKeptText() {
        keepText = true;
        return this;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        active.initialize(context);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        active.snapshot();
    }

    @Override
    public void open(OpenContext openContext) {
        IndexingBundle bundle = active.open(bundleSource);
        encoder = bundle.openEncoder(batchSize);
        encoderVersion = bundle.modelVersion();
        gate = ComputeGate.jvmWide(priority);
        swaps = getRuntimeContext().getMetricGroup().counter(IndexingMetrics.MODEL_SWAPS);
        swapFailures = getRuntimeContext().getMetricGroup().counter(IndexingMetrics.MODEL_SWAP_FAILURES);
        getRuntimeContext().getMetricGroup().gauge(IndexingMetrics.MODEL_VERSION, (Gauge<String>) () -> encoderVersion);
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        worker = new BatchingWorker<>("async-encode-" + subtask, this::encodeBatch, batchSize,
                Duration.ofMillis(maxWaitMillis), queueCapacity);
        timeouts = getRuntimeContext().getMetricGroup().counter(IndexingMetrics.ENCODE_TIMEOUTS);
        getRuntimeContext().getMetricGroup().gauge(IndexingMetrics.ENCODE_BATCHES, (Gauge<Long>) worker::batches);
        getRuntimeContext().getMetricGroup().gauge(IndexingMetrics.ENCODE_MEAN_BATCH, (Gauge<Double>) () ->
                worker.batches() == 0 ? 0.0 : (double) worker.items() / worker.batches());
    }

    /** Encodes the batch in order; a control record ends a segment and swaps the encoder for the next one. */
    private List<IndexRequest> encodeBatch(List<IndexRequest> batch) throws InterruptedException {
        List<IndexRequest> upserts = new ArrayList<>(batch.size());
        for (IndexRequest request : batch) {
            if (request.switchToVersion > 0) {
                encode(upserts);
                upserts.clear();
                swapTo(request.switchToVersion);
                request.modelVersion = encoderVersion;
            } else {
                request.modelVersion = encoderVersion;
                if (request.op == DocumentOp.UPSERT) {
                    upserts.add(request);
                }
            }
        }
        encode(upserts);
        return batch;
    }

    private void encode(List<IndexRequest> upserts) throws InterruptedException {
        for (int from = 0; from < upserts.size(); from += subBatch) {
            List<IndexRequest> pass = upserts.subList(from, Math.min(upserts.size(), from + subBatch));
            List<String> texts = new ArrayList<>(pass.size());
            for (IndexRequest request : pass) {
                texts.add(encoderInput(request));
            }
            float[][] embeddings; // (B, H)
            try (ComputeGate.Pass held = gate.enter(ComputeGate.Priority.DOCUMENT)) {
                embeddings = encoder.embed(texts, layer -> held.yieldToQueries());
            }
            for (int i = 0; i < pass.size(); i++) {
                pass.get(i).embedding = embeddings[i];
                if (!keepText) {
                    pass.get(i).text = null;
                }
            }
        }
    }

    /**
     * Loads version {@code version}'s encoder on the worker thread; the old one is closed once replaced. A version
     * that cannot be loaded is logged and counted, and the current one stays.
     */
    private void swapTo(int version) {
        if (version == active.version()) {
            return;
        }
        try {
            IndexingBundle bundle = bundleSource.resolve(version);
            TextEncoder previous = encoder;
            encoder = bundle.openEncoder(batchSize);
            encoderVersion = bundle.modelVersion();
            active.set(version);
            swaps.inc();
            previous.close();
        } catch (RuntimeException e) {
            swapFailures.inc();
            LOG.error("cannot switch the encoder to version {} of {}; staying on {}", version,
                    bundleSource.modelName(), encoderVersion, e);
        }
    }

    /** BEIR's convention for dense retrievers: title and text joined by a space. */
    static String encoderInput(IndexRequest request) {
        return request.title == null || request.title.isBlank() ? request.text : request.title + " " + request.text;
    }

    @Override
    public void asyncInvoke(IndexRequest request, ResultFuture<IndexRequest> resultFuture) {
        worker.submit(request).whenComplete((encoded, error) -> {
            if (error != null) {
                resultFuture.complete(Collections.singletonList(failed(request, error.toString())));
            } else {
                resultFuture.complete(Collections.singletonList(encoded));
            }
        });
    }

    @Override
    public void timeout(IndexRequest request, ResultFuture<IndexRequest> resultFuture) {
        timeouts.inc();
        resultFuture.complete(Collections.singletonList(failed(request, TIMEOUT_PREFIX + "no embedding within the "
                + "async timeout")));
    }

    /** A copy marked failed: the worker may still be writing into the original. */
    private static IndexRequest failed(IndexRequest request, String error) {
        IndexRequest copy = new IndexRequest();
        copy.docId = request.docId;
        copy.op = request.op;
        copy.title = request.title;
        copy.contentHash = request.contentHash;
        copy.sourceTopic = request.sourceTopic;
        copy.sourcePartition = request.sourcePartition;
        copy.sourceOffset = request.sourceOffset;
        copy.appendTs = request.appendTs;
        copy.documentTs = request.documentTs;
        copy.switchToVersion = request.switchToVersion;
        copy.encodeFailed = true;
        copy.encodeError = error;
        return copy;
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.close();
        }
        if (encoder != null) {
            encoder.close();
        }
    }
}
