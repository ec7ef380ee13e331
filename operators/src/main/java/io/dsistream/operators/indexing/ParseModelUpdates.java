package io.dsistream.operators.indexing;

import io.dsistream.schemas.DeadLetterRecord;
import io.dsistream.schemas.GenerationStage;
import io.dsistream.schemas.ModelUpdateParser;
import io.dsistream.schemas.ModelUpdateRecord;
import io.dsistream.schemas.ParseOutcome;
import io.dsistream.schemas.indexing.IndexRequest;
import io.dsistream.schemas.indexing.SourceDocument;
import io.dsistream.schemas.query.QueryRequest;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Reads model-update events ({@code {"model", "version"}}, optionally with {@code "generation", "stage"}): bad records go to {@link DeadLetters#TAG}, events for
 * another model name are counted and ignored, the rest go on to be broadcast to the model operators as control
 * records ({@link #toDocumentControl()}, {@link #toQueryControl()}). Stateless.
 */
public class ParseModelUpdates extends ProcessFunction<SourceDocument, ModelUpdateRecord> {

    private static final long serialVersionUID = 1L;

    private final String modelName;
    private transient DeadLetters deadLetters;
    private transient Counter ignored;

    /** @param modelName the model the job serves */
    public ParseModelUpdates(String modelName) {
        this.modelName = modelName;
    }

    @Override
    public void open(OpenContext openContext) {
        deadLetters = new DeadLetters(getRuntimeContext().getMetricGroup());
        ignored = getRuntimeContext().getMetricGroup().counter(IndexingMetrics.MODEL_UPDATES_IGNORED);
    }

    @Override
    public void processElement(SourceDocument source, Context ctx, Collector<ModelUpdateRecord> out) {
        ParseOutcome<ModelUpdateRecord> outcome = new ModelUpdateParser().parse(source.raw);
        if (!outcome.isAccepted()) {
            deadLetters.count(outcome.reason());
            ctx.output(DeadLetters.TAG, DeadLetterRecord.of(source.topic, source.partition, source.offset, source.raw,
                    outcome.reason(), outcome.message(), System.currentTimeMillis()));
            return;
        }
        if (!outcome.record().model.equals(modelName)) {
            ignored.inc();
            return;
        }
        out.collect(outcome.record());
    }

    /**
     * The event as a control record of the documents path: a plain swap or a generation's ready event switches the
     * encoder and the quantizer; build and drop events concern only the trie (upsert/delete) and yield nothing,
     * as does every generation event where {@code generations} is off.
     */
    public static FlatMapFunction<ModelUpdateRecord, IndexRequest> toDocumentControl(boolean generations) {
        return (update, out) -> {
            if (switchesVersion(update, generations)) {
                IndexRequest control = new IndexRequest();
                control.switchToVersion = update.version;
                out.collect(control);
            }
        };
    }

    /**
     * The event as a control record of the queries path: a plain swap switches the planner's version; a generation's
     * ready event switches version and generation together; build and drop events yield nothing, as does every
     * generation event where {@code generations} is off.
     */
    public static FlatMapFunction<ModelUpdateRecord, QueryRequest> toQueryControl(boolean generations) {
        return (update, out) -> {
            if (switchesVersion(update, generations)) {
                QueryRequest control = new QueryRequest();
                control.switchToVersion = update.version;
                control.generation = update.generation;
                out.collect(control);
            }
        };
    }

    /** A plain swap, or the ready event of a generation where the job has generations on. */
    static boolean switchesVersion(ModelUpdateRecord update, boolean generations) {
        return !update.isGeneration() || generations && update.stage == GenerationStage.READY;
    }
}
