package io.dsistream.operators.indexing;

import io.dsistream.models.encoder.TextEncoder;
import io.dsistream.models.serving.BatchingWorker;
import io.dsistream.models.serving.IndexingBundle;
import io.dsistream.schemas.DocumentOp;
import io.dsistream.schemas.indexing.IndexRequest;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Embeds documents with the bundle's encoder. Concurrent {@link #asyncInvoke} calls (up to the async operator's
 * capacity) queue on one {@link BatchingWorker}, which runs one encoder pass per batch, so a burst costs one
 * forward pass of {@code batchSize} documents rather than one per document. Deletes go through the same worker
 * queue without encoding: the worker completes requests in arrival order, which keeps a delete behind an earlier
 * upsert of the same document even under {@code unorderedWait}.
 *
 * <p>Every request completes: an encoder failure or a {@link #timeout} yields the request marked
 * {@code encodeFailed}, which {@link AssignId} dead-letters; the job never fails for it.
 */
public class AsyncEncode extends RichAsyncFunction<IndexRequest, IndexRequest> {

    private static final long serialVersionUID = 1L;

    /** Prefix of {@link IndexRequest#encodeError} for a timed-out request. */
    public static final String TIMEOUT_PREFIX = "timeout: ";

    private final ModelBundleSource bundleSource;
    private final int batchSize;
    private final long maxWaitMillis;
    private final int queueCapacity;
    private transient TextEncoder encoder;
    private transient BatchingWorker<IndexRequest, IndexRequest> worker;
    private transient Counter timeouts;

    /**
     * @param batchSize most documents per encoder pass
     * @param maxWait how long the first queued document waits for batch-mates
     * @param queueCapacity most requests queued on the worker (at least the async operator's capacity)
     */
    public AsyncEncode(ModelBundleSource bundleSource, int batchSize, Duration maxWait, int queueCapacity) {
        this.bundleSource = bundleSource;
        this.batchSize = batchSize;
        this.maxWaitMillis = maxWait.toMillis();
        this.queueCapacity = queueCapacity;
    }

    @Override
    public void open(OpenContext openContext) {
        IndexingBundle bundle = bundleSource.resolve();
        encoder = bundle.openEncoder(batchSize);
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        worker = new BatchingWorker<>("async-encode-" + subtask, this::encodeBatch, batchSize,
                Duration.ofMillis(maxWaitMillis), queueCapacity);
        timeouts = getRuntimeContext().getMetricGroup().counter(IndexingMetrics.ENCODE_TIMEOUTS);
        getRuntimeContext().getMetricGroup().gauge(IndexingMetrics.ENCODE_BATCHES, (Gauge<Long>) worker::batches);
        getRuntimeContext().getMetricGroup().gauge(IndexingMetrics.ENCODE_MEAN_BATCH, (Gauge<Double>) () ->
                worker.batches() == 0 ? 0.0 : (double) worker.items() / worker.batches());
    }

    private List<IndexRequest> encodeBatch(List<IndexRequest> batch) {
        List<String> texts = new ArrayList<>(batch.size());
        List<IndexRequest> upserts = new ArrayList<>(batch.size());
        for (IndexRequest request : batch) {
            if (request.op == DocumentOp.UPSERT) {
                texts.add(encoderInput(request));
                upserts.add(request);
            }
        }
        if (!texts.isEmpty()) {
            float[][] embeddings = encoder.embed(texts); // (B, H)
            for (int i = 0; i < upserts.size(); i++) {
                upserts.get(i).embedding = embeddings[i];
                upserts.get(i).text = null;
            }
        }
        return batch;
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
