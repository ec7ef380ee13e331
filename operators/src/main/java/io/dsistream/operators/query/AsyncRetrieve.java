package io.dsistream.operators.query;

import io.dsistream.models.retrieval.CandidateLeaf;
import io.dsistream.models.retrieval.QueryPlan;
import io.dsistream.models.retrieval.StreamingRetrievalOptions;
import io.dsistream.models.serving.BatchingWorker;
import io.dsistream.models.serving.ComputeGate;
import io.dsistream.models.serving.RetrievalModel;
import io.dsistream.models.serving.IndexingBundle;
import io.dsistream.operators.indexing.ActiveModelVersion;
import io.dsistream.operators.indexing.IndexingMetrics;
import io.dsistream.operators.indexing.ModelBundleSource;
import io.dsistream.schemas.query.QueryRequest;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plans queries with the bundle's model: concurrent {@link #asyncInvoke} calls (up to the async operator's capacity,
 * which bounds the queue and turns overload into backpressure) queue on one {@link BatchingWorker}, which runs one
 * encoder pass per batch, then the decoder's beam search and the quantizer's best IDs per query
 * ({@link io.dsistream.models.retrieval.QueryPlanner}). Every query completes: a failure or a {@link #timeout}
 * yields it marked {@code failed}, answered empty and partial downstream; the job never fails for it.
 *
 * <p>Hot swap: a model-update control record ({@code switchToVersion > 0}) goes through the worker queue like a
 * query, so queries queued before it are planned, and answered, on the version they started with and those after
 * it on the new one. The active version is checkpointed, so a restart resumes on it. A generation's ready event
 * switches the version and the index generation the queries read together: every query planned after it carries
 * the new generation (its trie keys are that generation's), those planned before finish on theirs.
 *
 * <p>Each planning pass enters the JVM-wide {@link ComputeGate} of the {@code priority} mode at query priority: no
 * new document sub-pass of {@code AsyncEncode} starts while it waits or runs; in {@link ComputeGate.Mode#EXCLUSIVE}
 * it waits for the sub-pass running now, in {@link ComputeGate.Mode#OVERLAP} it starts beside it.
 */
public class AsyncRetrieve extends RichAsyncFunction<QueryRequest, QueryRequest> implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AsyncRetrieve.class);

    private final ModelBundleSource bundleSource;
    private final StreamingRetrievalOptions options;
    private final int batchSize;
    private final long maxWaitMillis;
    private final int queueCapacity;
    private final ComputeGate.Mode priority;
    private final ActiveModelVersion active = new ActiveModelVersion();
    private transient RetrievalModel model;
    private transient Counter swaps;
    private transient Counter swapFailures;
    private transient Counter generationEventsIgnored;
    private transient BatchingWorker<QueryRequest, QueryRequest> worker;
    private transient AtomicInteger inFlight;
    private transient Counter failures;
    private transient Histogram candidates;
    private transient ComputeGate gate;

    /**
     * @param batchSize     most queries per encoder pass
     * @param maxWait       how long the first queued query waits for batch-mates
     * @param queueCapacity most queries queued on the worker (at least the async operator's capacity)
     * @param priority      mode of the JVM-wide {@link ComputeGate} each planning pass enters at query priority
     */
    public AsyncRetrieve(ModelBundleSource bundleSource, StreamingRetrievalOptions options, int batchSize,
                         Duration maxWait, int queueCapacity, ComputeGate.Mode priority) {
        this.bundleSource = bundleSource;
        this.options = options;
        this.batchSize = batchSize;
        this.maxWaitMillis = maxWait.toMillis();
        this.queueCapacity = queueCapacity;
        this.priority = Objects.requireNonNull(priority, "priority");
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
        model = bundle.openRetrieval(options, batchSize);
        gate = ComputeGate.jvmWide(priority);
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        worker = new BatchingWorker<>("async-retrieve-" + subtask, this::planBatch, batchSize,
                Duration.ofMillis(maxWaitMillis), queueCapacity);
        inFlight = new AtomicInteger();
        var metrics = getRuntimeContext().getMetricGroup();
        failures = metrics.counter(QueryMetrics.PLAN_FAILURES);
        candidates = metrics.histogram(QueryMetrics.CANDIDATES,
                new DescriptiveStatisticsHistogram(QueryMetrics.HISTOGRAM_WINDOW));
        metrics.gauge(QueryMetrics.QUEUE_OCCUPANCY, (Gauge<Integer>) inFlight::get);
        swaps = metrics.counter(IndexingMetrics.MODEL_SWAPS);
        swapFailures = metrics.counter(IndexingMetrics.MODEL_SWAP_FAILURES);
        generationEventsIgnored = metrics.counter(IndexingMetrics.GENERATION_EVENTS_IGNORED);
        metrics.gauge(IndexingMetrics.MODEL_VERSION, (Gauge<String>) () -> model.modelVersion());
        metrics.gauge(IndexingMetrics.INDEX_GENERATION, (Gauge<Integer>) active::generation);
    }

    /** Plans the batch in order; a control record ends a segment and swaps the model for the next one. */
    private List<QueryRequest> planBatch(List<QueryRequest> batch) throws InterruptedException {
        List<QueryRequest> segment = new ArrayList<>(batch.size());
        for (QueryRequest request : batch) {
            if (request.switchToVersion > 0) {
                plan(segment);
                segment.clear();
                swapTo(request.switchToVersion, request.generation);
                request.modelVersion = model.modelVersion();
            } else {
                segment.add(request);
            }
        }
        plan(segment);
        return batch;
    }

    /**
     * Loads version {@code version} and, when {@code generation} &gt; 0, reads that index generation from the next
     * query on (both or neither); a version that cannot be loaded is logged and counted, and the current one stays.
     */
    private void swapTo(int version, int generation) {
        if (generation > 0 && generation != active.generation() + 1) {
            generationEventsIgnored.inc(); // a repeated ready event, or one for a generation never built after ours
            LOG.warn("ready event of generation {} (v{}) ignored: queries read generation {}", generation, version,
                    active.generation());
            return;
        }
        if (version == active.version()) {
            if (generation > 0) {
                active.setGeneration(generation);
            }
            return;
        }
        try {
            RetrievalModel next = bundleSource.resolve(version).openRetrieval(options, batchSize);
            RetrievalModel previous = model;
            model = next;
            active.set(version);
            if (generation > 0) {
                active.setGeneration(generation);
            }
            swaps.inc();
            previous.close();
        } catch (RuntimeException e) {
            swapFailures.inc();
            LOG.error("cannot switch retrieval to version {} of {}; staying on {}", version,
                    bundleSource.modelName(), model.modelVersion(), e);
        }
    }

    private void plan(List<QueryRequest> batch) throws InterruptedException {
        if (batch.isEmpty()) {
            return;
        }
        List<String> texts = new ArrayList<>(batch.size());
        for (QueryRequest request : batch) {
            texts.add(request.text);
        }
        List<QueryPlan> plans;
        try (ComputeGate.Pass held = gate.enter(ComputeGate.Priority.QUERY)) {
            plans = model.plan(texts);
        }
        for (int i = 0; i < batch.size(); i++) {
            QueryRequest request = batch.get(i);
            QueryPlan plan = plans.get(i);
            int n = plan.candidates().size();
            request.vector = plan.vector();
            request.codeLogProbs = plan.codeLogProbs();
            request.candidateLeaves = new String[n];
            request.decoderScores = new double[n];
            for (int c = 0; c < n; c++) {
                CandidateLeaf candidate = plan.candidates().get(c);
                request.candidateLeaves[c] = candidate.id().toString();
                request.decoderScores[c] = candidate.decoderScore();
            }
            request.modelVersion = model.modelVersion();
            request.generation = active.generation();
            request.codesPerPosition = model.planner().vocabulary().codesPerPosition();
            candidates.update(n);
        }
    }

    @Override
    public void asyncInvoke(QueryRequest request, ResultFuture<QueryRequest> resultFuture) {
        inFlight.incrementAndGet();
        worker.submit(request).whenComplete((planned, error) -> {
            inFlight.decrementAndGet();
            if (error != null) {
                failures.inc();
                resultFuture.complete(Collections.singletonList(failed(request, error.toString())));
            } else {
                resultFuture.complete(Collections.singletonList(planned));
            }
        });
    }

    @Override
    public void timeout(QueryRequest request, ResultFuture<QueryRequest> resultFuture) {
        failures.inc();
        resultFuture.complete(Collections.singletonList(failed(request, "no plan within the async timeout")));
    }

    /** A copy marked failed: the worker may still be writing into the original. */
    private QueryRequest failed(QueryRequest request, String error) {
        QueryRequest copy = new QueryRequest(request.queryId, request.text, request.k, request.receivedAtMillis);
        copy.switchToVersion = request.switchToVersion;
        copy.modelVersion = model.modelVersion();
        copy.failed = true;
        copy.error = error;
        return copy;
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.close();
        }
        if (model != null) {
            model.close();
        }
    }
}
