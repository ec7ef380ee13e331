package io.dsistream.operators.query;

import io.dsistream.operators.indexing.DeadLetters;
import io.dsistream.schemas.DeadLetterRecord;
import io.dsistream.schemas.ParseOutcome;
import io.dsistream.schemas.QueryParser;
import io.dsistream.schemas.QueryRecord;
import io.dsistream.schemas.indexing.SourceDocument;
import io.dsistream.schemas.query.QueryRequest;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Parses and validates raw query records with {@link QueryParser}: rejected ones (malformed JSON, empty or too long
 * text, unknown fields, a k that is not an integer) go to {@link DeadLetters#TAG} with their reason and raw bytes; a
 * k outside [1, 1000] is clamped and counted. The raw record type is the one the documents source reads: any
 * topic's record with its coordinates. Stateless.
 */
public class ParseQueries extends ProcessFunction<SourceDocument, QueryRequest> {

    private static final long serialVersionUID = 1L;

    private final QueryParser parser;
    private transient Counter queriesIn;
    private transient Counter kClamped;
    private transient DeadLetters deadLetters;

    public ParseQueries(QueryParser parser) {
        this.parser = parser;
    }

    @Override
    public void open(OpenContext openContext) {
        queriesIn = getRuntimeContext().getMetricGroup().counter(QueryMetrics.QUERIES_IN);
        kClamped = getRuntimeContext().getMetricGroup().counter(QueryMetrics.K_CLAMPED);
        deadLetters = new DeadLetters(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(SourceDocument source, Context ctx, Collector<QueryRequest> out) {
        queriesIn.inc();
        long now = System.currentTimeMillis();
        ParseOutcome<QueryRecord> outcome = parser.parse(source.raw);
        if (!outcome.isAccepted()) {
            deadLetters.count(outcome.reason());
            ctx.output(DeadLetters.TAG, DeadLetterRecord.of(source.topic, source.partition, source.offset, source.raw,
                    outcome.reason(), outcome.message(), now));
            return;
        }
        QueryRecord query = outcome.record();
        if (query.kClamped) {
            kClamped.inc();
        }
        out.collect(new QueryRequest(query.id, query.text, query.k, now));
    }
}
