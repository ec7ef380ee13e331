package io.dsistream.operators.training;

import ai.djl.Device;
import io.dsistream.models.bundle.ModelRegistry;
import io.dsistream.models.continual.ContinualTrainer;
import io.dsistream.models.continual.FeedbackPair;
import io.dsistream.models.continual.GenerationTrigger;
import io.dsistream.models.continual.ReplayDocument;
import io.dsistream.models.continual.RoundOutcome;
import io.dsistream.models.continual.TrainerSettings;
import io.dsistream.models.continual.TrainerState;
import io.dsistream.models.ids.SemanticId;
import io.dsistream.operators.indexing.IndexingMetrics;
import io.dsistream.schemas.GenerationStage;
import io.dsistream.schemas.ModelUpdateRecord;
import io.dsistream.schemas.training.TrainerEvent;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The job's continual trainer (issue 7), parallelism 1 in its own slot-sharing group. It hears every indexed and
 * deleted document, feedback pairs, the versions served and balance alerts ({@link TrainerEvent}); keeps them in a
 * {@link TrainerState} (replay buffer, new documents, feedback) that is checkpointed as operator state; and when a
 * trigger fires ({@link io.dsistream.models.continual.RoundTriggers}) runs a {@link ContinualTrainer} round on its
 * own thread, so documents, queries and checkpoints keep flowing. A processing-time tick checks the round and the
 * triggers. A round the gate accepts is published in the registry and announced as a {@link ModelUpdateRecord}
 * (the job writes these to {@code model-updates}, whence every model operator switches to it).
 *
 * <p>Index generations ({@link #withGenerations}): a published version whose round measured an ID drift past the
 * threshold (or, if so configured, that follows a balance alert) is announced as a build of the next index
 * generation ({@code {model, version, generation, stage: build}}) instead of a plain swap; the job re-assigns every
 * document with it and switches queries once the generation is complete. One build at a time: a round published
 * while one runs is a plain swap. The generation served and the one requested are checkpointed.
 *
 * <p>Re-training on a new generation's IDs: when a generation becomes the one queries read, upsert/delete sends
 * every document's ID in it ({@code REASSIGNED}) and, per subtask, an end ({@code REASSIGNED_ALL}); the state
 * rewrites the IDs its replay buffer and new documents hold ({@link TrainerState#reassign}), starts no round until
 * every subtask has ended, and then starts one at once, so the decoder's targets are the new IDs again. A round that
 * was running across the switch trained on the old IDs ({@link TrainerState#isStale}, counted in
 * {@value TrainerMetrics#ROUNDS_STALE}): if the gate published it, the registry holds it already, so it is still
 * announced — as a plain swap, never a build, since its drift was measured against the old IDs — and serves until
 * the round on the new IDs, which starts right after it, publishes; its decoder is no worse than the one it
 * replaces, which was trained on the old IDs too. If it failed or was cancelled, its documents come back with their
 * new IDs.
 *
 * <p>Device: when the task manager offers Flink's {@value #GPU_RESOURCE} external resource, the round trains on
 * the CUDA device its {@code index} property names; otherwise on the CPU. A round in progress is not checkpointed:
 * a restore starts it again from its inputs.
 */
public class Trainer extends KeyedProcessFunction<Integer, TrainerEvent, ModelUpdateRecord>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    /** The external resource name a GPU task manager declares ({@code external-resources: gpu}). */
    public static final String GPU_RESOURCE = "gpu";

    /** The trainer's key: all events go to its one subtask. */
    public static final KeySelector<TrainerEvent, Integer> KEY = new ConstantKey();

    private final TrainerSettings settings;
    private final long tickMillis;
    private GenerationTrigger generations;
    private transient TrainerState state;
    private transient ListState<Integer> generationState;
    private transient volatile int activeGeneration;
    private transient volatile int requestedGeneration;
    private transient boolean alertSinceRound;
    private transient boolean roundAfterAlert;
    private transient Counter generationsRequested;
    private transient ListState<byte[]> checkpointed;
    private transient ExecutorService executor;
    private transient ContinualTrainer trainer;
    private transient Future<RoundOutcome> running;
    private transient TrainerState.RoundInput runningInput;
    private transient Device device;
    private transient Counter feedbackNotRelevant;
    private transient Counter roundsStarted;
    private transient Counter roundsPublished;
    private transient Counter roundsRejected;
    private transient Counter roundsFailed;
    private transient Counter roundsStale;
    private transient volatile double lastRoundSeconds;
    private transient volatile double lastEncoderShare;
    private transient volatile double gateCurrent;
    private transient volatile double gateCandidate;
    private transient volatile double drift;

    /** @param tick how often the trainer looks at its round and its triggers */
    public Trainer(TrainerSettings settings, Duration tick) {
        this.settings = settings;
        this.tickMillis = Math.max(1, tick.toMillis());
    }

    /** Requests a new index generation for a published version when {@code trigger} says so. */
    public Trainer withGenerations(GenerationTrigger trigger) {
        generations = trigger;
        return this;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        generationState = context.getOperatorStateStore().getListState(new ListStateDescriptor<>(
                "trainer-generations", Types.INT));
        List<Integer> restored = new ArrayList<>();
        generationState.get().forEach(restored::add);
        activeGeneration = restored.isEmpty() ? 0 : restored.get(0);
        requestedGeneration = restored.size() < 2 ? 0 : restored.get(1);
        checkpointed = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("trainer-state",
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        long now = System.currentTimeMillis();
        state = null;
        for (byte[] bytes : checkpointed.get()) {
            state = TrainerState.fromBytes(settings, bytes, now);
        }
        if (state == null) {
            state = new TrainerState(settings, now);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        checkpointed.update(List.of(state.toBytes(running == null ? null : runningInput)));
        generationState.update(List.of(activeGeneration, requestedGeneration));
    }

    @Override
    public void open(OpenContext openContext) {
        if (state.servingVersion() == 0) {
            new ModelRegistry(Path.of(settings.registry())).latestVersion(settings.modelName())
                    .ifPresent(state::setServingVersion);
        }
        device = chooseDevice(getRuntimeContext().getExternalResourceInfos(GPU_RESOURCE));
        trainer = new ContinualTrainer(settings, device, line -> LOG.info("trainer: {}", line));
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "dsi-trainer-round");
            thread.setDaemon(true);
            return thread;
        });
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        feedbackNotRelevant = metrics.counter(TrainerMetrics.FEEDBACK_NOT_RELEVANT);
        roundsStarted = metrics.counter(TrainerMetrics.ROUNDS_STARTED);
        roundsPublished = metrics.counter(TrainerMetrics.ROUNDS_PUBLISHED);
        roundsRejected = metrics.counter(TrainerMetrics.ROUNDS_REJECTED);
        roundsFailed = metrics.counter(TrainerMetrics.ROUNDS_FAILED);
        roundsStale = metrics.counter(TrainerMetrics.ROUNDS_STALE);
        metrics.gauge(TrainerMetrics.ID_GENERATION, (Gauge<Integer>) () -> state.idGeneration());
        generationsRequested = metrics.counter(TrainerMetrics.GENERATIONS_REQUESTED);
        metrics.gauge(IndexingMetrics.INDEX_GENERATION, (Gauge<Integer>) () -> activeGeneration);
        metrics.gauge(IndexingMetrics.GENERATION_BUILDING, (Gauge<Integer>) () ->
                requestedGeneration > activeGeneration ? 1 : 0);
        metrics.gauge(TrainerMetrics.ROUND_RUNNING, (Gauge<Integer>) () -> running == null ? 0 : 1);
        metrics.gauge(TrainerMetrics.LAST_ROUND_SECONDS, (Gauge<Double>) () -> lastRoundSeconds);
        metrics.gauge(TrainerMetrics.LAST_ROUND_ENCODER_SHARE, (Gauge<Double>) () -> lastEncoderShare);
        metrics.gauge(TrainerMetrics.GATE_CURRENT, (Gauge<Double>) () -> gateCurrent);
        metrics.gauge(TrainerMetrics.GATE_CANDIDATE, (Gauge<Double>) () -> gateCandidate);
        metrics.gauge(TrainerMetrics.ID_DRIFT, (Gauge<Double>) () -> drift);
        metrics.gauge(TrainerMetrics.SERVING_VERSION, (Gauge<Integer>) () -> state.servingVersion());
        metrics.gauge(TrainerMetrics.REPLAY_DOCUMENTS, (Gauge<Integer>) () -> state.replayDocuments());
        metrics.gauge(TrainerMetrics.PENDING_DOCUMENTS, (Gauge<Integer>) () -> state.freshDocuments());
        metrics.gauge(TrainerMetrics.FEEDBACK_PAIRS, (Gauge<Integer>) () -> state.trainingFeedback()
                + state.heldBackFeedback());
        metrics.gauge(TrainerMetrics.TRAINING_DEVICE, (Gauge<String>) () -> device == null ? "cpu" : device.toString());
        if (state.servingVersion() == 0) {
            LOG.warn("trainer: registry {} holds no version of model '{}'; no round starts until one is served",
                    settings.registry(), settings.modelName());
        }
        LOG.info("trainer: serving v{} of {}, training on {}, {} replay documents restored", state.servingVersion(),
                settings.modelName(), device == null ? "the CPU" : device, state.replayDocuments());
    }

    /** The CUDA device of the first GPU the task manager offers, or null (CPU). */
    static Device chooseDevice(Set<ExternalResourceInfo> gpus) {
        for (ExternalResourceInfo gpu : gpus) {
            Optional<String> index = gpu.getProperty("index");
            if (index.isPresent()) {
                try {
                    return Device.gpu(Integer.parseInt(index.get().trim()));
                } catch (NumberFormatException e) {
                    LOG.warn("trainer: GPU resource index '{}' is not a number; ignored", index.get());
                }
            }
        }
        return null;
    }

    @Override
    public void processElement(TrainerEvent event, Context ctx, Collector<ModelUpdateRecord> out) {
        switch (event.kind) {
            case DOCUMENT, DELETE, REASSIGNED, REASSIGNED_ALL -> {
                if (apply(state, event)) {
                    LOG.info("trainer: generation {}'s IDs are in; the next round trains the decoder on them",
                            state.idGeneration());
                }
            }
            case FEEDBACK -> {
                if (event.label > 0) {
                    state.addFeedback(new FeedbackPair(event.queryText, event.docId));
                } else {
                    feedbackNotRelevant.inc(); // rounds train on relevant pairs only
                }
            }
            case MODEL_UPDATE -> {
                state.setServingVersion(event.version);
                generationEvent(event.generation, event.stage);
            }
            case BALANCE_ALERT -> {
                state.balanceAlert();
                alertSinceRound = true;
            }
            default -> throw new IllegalStateException("unknown trainer event " + event.kind);
        }
        long now = ctx.timerService().currentProcessingTime();
        ctx.timerService().registerProcessingTimeTimer(nextTick(now)); // same timestamp: one timer
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ModelUpdateRecord> out) {
        if (running != null && running.isDone()) {
            finishRound(out);
        }
        long now = ctx.timerService().currentProcessingTime();
        Optional<String> due = state.due(now, running != null);
        if (due.isPresent()) {
            startRound(now, due.get());
        }
        ctx.timerService().registerProcessingTimeTimer(nextTick(now));
    }

    /**
     * Applies a document event to {@code state}: an indexed or deleted document, or a document's ID in the
     * generation queries now read and a source's end of those.
     *
     * @return true when this event completed a switch to a new generation's IDs
     */
    static boolean apply(TrainerState state, TrainerEvent event) {
        switch (event.kind) {
            case DOCUMENT -> state.addDocument(new ReplayDocument(event.docId, event.text, SemanticId.of(event.codes),
                    event.vector));
            case DELETE -> state.deleteDocument(event.docId);
            case REASSIGNED -> state.reassign(event.docId, SemanticId.of(event.codes), event.generation);
            case REASSIGNED_ALL -> {
                return state.reassignmentDone(event.generation, event.subtask, event.subtasks);
            }
            default -> throw new IllegalArgumentException("not a document event: " + event);
        }
        return false;
    }

    /** Follows the index generations: one requested (by this trainer or anyone), one served. */
    private void generationEvent(int generation, GenerationStage stage) {
        if (generation <= 0 || stage == null) {
            return;
        }
        if (stage == GenerationStage.BUILD) {
            requestedGeneration = Math.max(requestedGeneration, generation);
        } else if (stage == GenerationStage.READY) {
            activeGeneration = Math.max(activeGeneration, generation);
        }
    }

    private long nextTick(long now) {
        return (now / tickMillis + 1) * tickMillis;
    }

    private void startRound(long now, String reason) {
        TrainerState.RoundInput input = state.startRound(now, reason);
        LOG.info("trainer: round from v{} starts ({}): {} new documents, {} replayed, {} feedback pairs, {} held back",
                input.servingVersion(), reason, input.fresh().size(), input.replay().size(), input.training().size(),
                input.heldBack().size());
        roundsStarted.inc();
        roundAfterAlert = alertSinceRound;
        alertSinceRound = false;
        runningInput = input;
        running = executor.submit(() -> trainer.run(input.servingVersion(), input.fresh(), input.replay(),
                input.training(), input.heldBack()));
    }

    private void finishRound(Collector<ModelUpdateRecord> out) {
        TrainerState.RoundInput input = runningInput;
        Future<RoundOutcome> done = running;
        running = null;
        runningInput = null;
        RoundOutcome outcome;
        try {
            outcome = done.get();
        } catch (ExecutionException | InterruptedException e) {
            roundsFailed.inc();
            state.returnDocuments(input);
            LOG.error("trainer: round from v{} failed; its documents wait for the next round", input.servingVersion(),
                    e instanceof ExecutionException ? e.getCause() : e);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        lastRoundSeconds = outcome.seconds();
        if (outcome.statistics().get("encoder_share") instanceof Number share) {
            lastEncoderShare = share.doubleValue();
        }
        if (outcome.cancelled()) {
            state.returnDocuments(input);
            return;
        }
        boolean stale = state.isStale(input);
        if (stale) {
            roundsStale.inc();
            LOG.info("trainer: round from v{} trained on generation {}'s IDs, but generation {}'s are {}; a round on "
                    + "them follows", input.servingVersion(), input.idGeneration(), Math.max(state.idGeneration(),
                    state.switchingTo()), state.switchingTo() == 0 ? "in" : "arriving");
        }
        drift = outcome.drift();
        gateCandidate = outcome.decision().candidate().metric(outcome.decision().metric());
        gateCurrent = outcome.decision().current() == null ? Double.NaN
                : outcome.decision().current().metric(outcome.decision().metric());
        if (outcome.published()) {
            roundsPublished.inc();
            state.setServingVersion(outcome.publishedVersion());
            out.collect(stale ? new ModelUpdateRecord(settings.modelName(), outcome.publishedVersion())
                    : announcement(outcome.publishedVersion(), outcome.drift()));
            LOG.info("trainer: published v{} (parent v{}) after {} s: {}", outcome.publishedVersion(),
                    outcome.baseVersion(), String.format("%.1f", outcome.seconds()), outcome.decision().reason());
        } else {
            roundsRejected.inc();
            LOG.info("trainer: round from v{} not published after {} s: {}", outcome.baseVersion(),
                    String.format("%.1f", outcome.seconds()), outcome.decision().reason());
        }
    }

    /** A plain swap, or a build of the next generation when the trigger fires and no build runs. */
    private ModelUpdateRecord announcement(int version, double roundDrift) {
        ModelUpdateRecord update = announcement(settings.modelName(), version, roundDrift, roundAfterAlert,
                generations, activeGeneration, requestedGeneration);
        if (update.isGeneration()) {
            requestedGeneration = update.generation;
            generationsRequested.inc();
            LOG.info("trainer: v{} is served through a new index generation {} ({})", version, update.generation,
                    generations.reason(roundDrift, roundAfterAlert));
        }
        return update;
    }

    /**
     * How a published version is announced: a build of generation {@code active + 1} when {@code trigger} (null:
     * generations off) fires for the round's drift or a balance alert and no build runs ({@code requested} is not
     * past {@code active}); otherwise a plain swap.
     */
    static ModelUpdateRecord announcement(String model, int version, double drift, boolean balanceAlert,
                                          GenerationTrigger trigger, int active, int requested) {
        if (trigger == null || requested > active || trigger.reason(drift, balanceAlert) == null) {
            return new ModelUpdateRecord(model, version);
        }
        return new ModelUpdateRecord(model, version, active + 1, GenerationStage.BUILD);
    }

    @Override
    public void close() throws Exception {
        if (trainer != null) {
            trainer.cancel();
        }
        if (executor != null) {
            executor.shutdownNow();
            executor.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    private static final class ConstantKey implements KeySelector<TrainerEvent, Integer> {
        private static final long serialVersionUID = 1L;

        @Override
        public Integer getKey(TrainerEvent event) {
            return 0;
        }
    }
}
