package io.dsistream.operators.indexing;

import io.dsistream.models.serving.IdAssigner;
import io.dsistream.schemas.DocumentOp;
import io.dsistream.schemas.RejectReason;
import io.dsistream.schemas.indexing.IndexRequest;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Gives each encoded document its semantic ID with the bundle's semantic indexing module (ASI++ §2.1: one forward
 * pass over the embedding, no retraining for new documents). Requests whose encoding failed or timed out go to
 * {@link DeadLetters#TAG}. Reports the bundle's version as the {@code modelVersion} gauge.
 */
public class AssignId extends ProcessFunction<IndexRequest, IndexRequest> {

    private static final long serialVersionUID = 1L;

    private final ModelBundleSource bundleSource;
    private transient IdAssigner assigner;
    private transient DeadLetters deadLetters;

    public AssignId(ModelBundleSource bundleSource) {
        this.bundleSource = bundleSource;
    }

    @Override
    public void open(OpenContext openContext) {
        assigner = bundleSource.resolve().openAssigner();
        deadLetters = new DeadLetters(getRuntimeContext().getMetricGroup());
        String version = assigner.modelVersion();
        getRuntimeContext().getMetricGroup().gauge(IndexingMetrics.MODEL_VERSION, (Gauge<String>) () -> version);
    }

    @Override
    public void processElement(IndexRequest request, Context ctx, Collector<IndexRequest> out) {
        if (request.encodeFailed) {
            RejectReason reason = request.encodeError != null && request.encodeError.startsWith(AsyncEncode.TIMEOUT_PREFIX)
                    ? RejectReason.ENCODE_TIMEOUT : RejectReason.ENCODE_FAILED;
            deadLetters.count(reason);
            ctx.output(DeadLetters.TAG, DeadLetters.of(request, reason, request.encodeError, System.currentTimeMillis()));
            return;
        }
        request.modelVersion = assigner.modelVersion();
        request.codesPerPosition = assigner.vocabulary().codesPerPosition();
        if (request.op == DocumentOp.UPSERT) {
            request.codes = assigner.assign(new float[][] {request.embedding})[0]; // (1, H) -> (1, L)
        }
        out.collect(request);
    }

    @Override
    public void close() {
        if (assigner != null) {
            assigner.close();
        }
    }
}
