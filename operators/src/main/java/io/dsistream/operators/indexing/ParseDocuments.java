package io.dsistream.operators.indexing;

import io.dsistream.schemas.DeadLetterRecord;
import io.dsistream.schemas.DocumentOp;
import io.dsistream.schemas.DocumentParser;
import io.dsistream.schemas.DocumentRecord;
import io.dsistream.schemas.ParseOutcome;
import io.dsistream.schemas.indexing.IndexRequest;
import io.dsistream.schemas.indexing.SourceDocument;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Parses and validates raw document records with {@link DocumentParser}; rejected ones go to
 * {@link DeadLetters#TAG} with their reason and raw bytes, and the job goes on. Stateless.
 */
public class ParseDocuments extends ProcessFunction<SourceDocument, IndexRequest> {

    private static final long serialVersionUID = 1L;

    private final DocumentParser parser;
    private transient Counter documentsIn;
    private transient DeadLetters deadLetters;

    public ParseDocuments(DocumentParser parser) {
        this.parser = parser;
    }

    @Override
    public void open(OpenContext openContext) {
        documentsIn = getRuntimeContext().getMetricGroup().counter(IndexingMetrics.DOCUMENTS_IN);
        deadLetters = new DeadLetters(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(SourceDocument source, Context ctx, Collector<IndexRequest> out) {
        documentsIn.inc();
        ParseOutcome<DocumentRecord> outcome = parser.parse(source.raw);
        if (!outcome.isAccepted()) {
            deadLetters.count(outcome.reason());
            ctx.output(DeadLetters.TAG, DeadLetterRecord.of(source.topic, source.partition, source.offset, source.raw,
                    outcome.reason(), outcome.message(), System.currentTimeMillis()));
            return;
        }
        out.collect(toRequest(outcome.record(), source));
    }

    /** The request for an accepted record read from {@code source}. */
    public static IndexRequest toRequest(DocumentRecord record, SourceDocument source) {
        IndexRequest request = new IndexRequest();
        request.docId = record.id;
        request.op = record.op;
        request.sourceTopic = source.topic;
        request.sourcePartition = source.partition;
        request.sourceOffset = source.offset;
        request.appendTs = source.appendTs;
        request.documentTs = record.ts == null ? source.appendTs : record.ts;
        if (record.op == DocumentOp.UPSERT) {
            request.title = record.title;
            request.text = record.text;
            request.contentHash = IndexRequest.contentHash(record.title, record.text);
        }
        return request;
    }
}
