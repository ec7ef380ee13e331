package io.dsistream.operators.indexing;

import io.dsistream.models.serving.IdAssigner;
import io.dsistream.models.serving.IndexingBundle;
import io.dsistream.schemas.DocumentOp;
import io.dsistream.schemas.RejectReason;
import io.dsistream.schemas.indexing.IndexRequest;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Gives each encoded document its semantic ID with the bundle's semantic indexing module (ASI++ §2.1: one forward
 * pass over the embedding, no retraining for new documents). Requests whose encoding failed or timed out go to
 * {@link DeadLetters#TAG}. Reports the bundle's version as the {@code modelVersion} gauge.
 *
 * <p>Hot swap: each request carries the version of the encoder that embedded it ({@link AsyncEncode}); when that
 * differs from the quantizer's, the quantizer of that version is loaded first, so an embedding is always quantized
 * by its own model version. Model-update control records stop here.
 */
public class AssignId extends ProcessFunction<IndexRequest, IndexRequest> implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    private final ModelBundleSource bundleSource;
    private final ActiveModelVersion active = new ActiveModelVersion();
    private transient IdAssigner assigner;
    private transient DeadLetters deadLetters;

    public AssignId(ModelBundleSource bundleSource) {
        this.bundleSource = bundleSource;
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
        assigner = bundle.openAssigner();
        deadLetters = new DeadLetters(getRuntimeContext().getMetricGroup());
        getRuntimeContext().getMetricGroup().gauge(IndexingMetrics.MODEL_VERSION,
                (Gauge<String>) () -> assigner.modelVersion());
    }

    @Override
    public void processElement(IndexRequest request, Context ctx, Collector<IndexRequest> out) {
        if (request.switchToVersion > 0) {
            return; // a control record: the encoder has switched; documents after it say so themselves
        }
        if (!request.encodeFailed && request.modelVersion != null
                && !request.modelVersion.equals(assigner.modelVersion())) {
            int version = IndexingBundle.versionNumber(request.modelVersion);
            IdAssigner previous = assigner;
            assigner = bundleSource.resolve(version).openAssigner();
            active.set(version);
            previous.close();
        }
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
