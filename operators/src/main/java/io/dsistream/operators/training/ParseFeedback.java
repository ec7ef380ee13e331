package io.dsistream.operators.training;

import io.dsistream.operators.indexing.DeadLetters;
import io.dsistream.schemas.DeadLetterRecord;
import io.dsistream.schemas.FeedbackParser;
import io.dsistream.schemas.FeedbackRecord;
import io.dsistream.schemas.ParseOutcome;
import io.dsistream.schemas.indexing.SourceDocument;
import io.dsistream.schemas.training.TrainerEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Reads the {@code feedback} topic ({@code {queryText, docId, label?, ts?}}) with {@link FeedbackParser}: rejected
 * records (malformed JSON, missing or empty fields, unknown fields, a bad label) go to {@link DeadLetters#TAG} with
 * their reason; accepted ones become the trainer's feedback events. Stateless.
 */
public class ParseFeedback extends ProcessFunction<SourceDocument, TrainerEvent> {

    private static final long serialVersionUID = 1L;

    private transient Counter feedbackIn;
    private transient DeadLetters deadLetters;

    @Override
    public void open(OpenContext openContext) {
        feedbackIn = getRuntimeContext().getMetricGroup().counter(TrainerMetrics.FEEDBACK_IN);
        deadLetters = new DeadLetters(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(SourceDocument source, Context ctx, Collector<TrainerEvent> out) {
        feedbackIn.inc();
        ParseOutcome<FeedbackRecord> outcome = new FeedbackParser().parse(source.raw);
        if (!outcome.isAccepted()) {
            deadLetters.count(outcome.reason());
            ctx.output(DeadLetters.TAG, DeadLetterRecord.of(source.topic, source.partition, source.offset, source.raw,
                    outcome.reason(), outcome.message(), System.currentTimeMillis()));
            return;
        }
        FeedbackRecord record = outcome.record();
        out.collect(TrainerEvent.feedback(record.queryText, record.docId, record.label));
    }
}
