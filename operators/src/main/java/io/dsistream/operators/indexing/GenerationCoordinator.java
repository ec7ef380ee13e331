package io.dsistream.operators.indexing;

import io.dsistream.models.continual.BuildProgress;
import io.dsistream.schemas.GenerationStage;
import io.dsistream.schemas.ModelUpdateRecord;
import io.dsistream.schemas.indexing.GenerationProgress;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Decides when an index generation's build is complete (issue 7), at parallelism 1 under one constant key
 * ({@link #KEY}): each upsert/delete subtask reports how many documents it re-assigned, the trie acknowledges each
 * re-assignment it applied ({@link #PROGRESS}); once every subtask has reported and every re-assignment is applied
 * ({@link BuildProgress}), it emits {@code {model, version, generation, stage: ready}} — written to the model-updates
 * topic the job reads, whence queries and new documents switch to the generation — and {@code dropDelay} later
 * {@code stage: drop}, which removes the previous generation once the queries planned on it have been answered.
 *
 * <p>State: the builds in progress ({@code builds}, generation → progress, removed when complete), the last generation
 * announced ready, and the pending drop with its timer (cleared when it fires).
 */
public class GenerationCoordinator extends KeyedProcessFunction<Integer, GenerationProgress, ModelUpdateRecord> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(GenerationCoordinator.class);

    /** Build progress: upsert/delete's re-assignment counts and the trie's acknowledgements. */
    public static final OutputTag<GenerationProgress> PROGRESS = new OutputTag<>("generation-progress",
            TypeInformation.of(GenerationProgress.class));

    /** The one key all progress is sent to. */
    public static final KeySelector<GenerationProgress, Integer> KEY = new ConstantKey();

    private final String modelName;
    private final long dropDelayMillis;
    private transient MapState<Integer, BuildProgress> builds;
    private transient ValueState<Integer> lastReady;
    private transient ValueState<ModelUpdateRecord> pendingDrop;
    private transient ValueState<Long> dropAt;
    private transient Counter ready;
    private transient volatile int generation;
    private transient volatile int building;

    /**
     * @param modelName the model the job serves (named in the events)
     * @param dropDelay how long after the ready event the previous generation is dropped: at least the time a query
     *                  planned before the switch may take to reach the trie
     */
    public GenerationCoordinator(String modelName, Duration dropDelay) {
        this.modelName = modelName;
        this.dropDelayMillis = dropDelay.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        builds = getRuntimeContext().getMapState(new MapStateDescriptor<>("builds", Types.INT,
                TypeInformation.of(BuildProgress.class)));
        lastReady = getRuntimeContext().getState(new ValueStateDescriptor<>("last-ready", Types.INT));
        pendingDrop = getRuntimeContext().getState(new ValueStateDescriptor<>("pending-drop",
                TypeInformation.of(ModelUpdateRecord.class)));
        dropAt = getRuntimeContext().getState(new ValueStateDescriptor<>("drop-at", Types.LONG));
        var metrics = getRuntimeContext().getMetricGroup();
        ready = metrics.counter(IndexingMetrics.GENERATIONS_READY);
        metrics.gauge(IndexingMetrics.INDEX_GENERATION, (Gauge<Integer>) () -> generation);
        metrics.gauge(IndexingMetrics.GENERATION_BUILDING, (Gauge<Integer>) () -> building);
    }

    @Override
    public void processElement(GenerationProgress progress, Context ctx, Collector<ModelUpdateRecord> out)
            throws Exception {
        Integer last = lastReady.value();
        if (last != null && progress.generation <= last) {
            return; // a build already announced
        }
        BuildProgress build = builds.get(progress.generation);
        if (build == null) {
            build = new BuildProgress(progress.generation);
        }
        switch (progress.kind) {
            case REASSIGNED -> build.reported(progress.subtask, progress.subtasks, progress.count, progress.version);
            case APPLIED -> build.applied(progress.count);
            default -> throw new IllegalStateException("unknown progress " + progress.kind);
        }
        building = 1;
        if (!build.complete()) {
            builds.put(progress.generation, build);
            return;
        }
        builds.remove(progress.generation);
        lastReady.update(progress.generation);
        generation = progress.generation;
        building = builds.isEmpty() ? 0 : 1;
        out.collect(new ModelUpdateRecord(modelName, build.version, progress.generation, GenerationStage.READY));
        ready.inc();
        LOG.info("generation coordinator: generation {} (v{}) complete with {} documents; ready", build.generation,
                build.version, build.expected);
        Long earlier = dropAt.value();
        if (earlier != null) {
            ctx.timerService().deleteProcessingTimeTimer(earlier); // the new build dropped that generation already
        }
        long at = ctx.timerService().currentProcessingTime() + dropDelayMillis;
        ctx.timerService().registerProcessingTimeTimer(at);
        dropAt.update(at);
        pendingDrop.update(new ModelUpdateRecord(modelName, build.version, progress.generation, GenerationStage.DROP));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ModelUpdateRecord> out) throws Exception {
        ModelUpdateRecord drop = pendingDrop.value();
        if (drop != null) {
            out.collect(drop);
            LOG.info("generation coordinator: generation {} is current; the one before it is dropped", drop.generation);
        }
        pendingDrop.clear();
        dropAt.clear();
    }

    private static final class ConstantKey implements KeySelector<GenerationProgress, Integer> {
        private static final long serialVersionUID = 1L;

        @Override
        public Integer getKey(GenerationProgress progress) {
            return 0;
        }
    }
}
