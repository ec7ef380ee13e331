package io.dsistream.operators.indexing;

import io.dsistream.schemas.DeadLetterRecord;
import io.dsistream.schemas.DocumentRecord;
import io.dsistream.schemas.RejectReason;
import io.dsistream.schemas.WireJson;
import io.dsistream.schemas.indexing.IndexRequest;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.OutputTag;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The side output every operator sends rejected records to, and the per-reason counters ({@code deadLetters.<reason>}
 * under the operator's metric group) that count them.
 */
public final class DeadLetters {

    /** The dead-letter side output of every indexing operator. */
    public static final OutputTag<DeadLetterRecord> TAG =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetterRecord.class));

    private final Map<RejectReason, Counter> perReason = new EnumMap<>(RejectReason.class);
    private final Counter total;

    /** Registers one counter per reason under {@code group}. */
    public DeadLetters(MetricGroup group) {
        MetricGroup reasons = group.addGroup(IndexingMetrics.DEAD_LETTERS_GROUP);
        for (RejectReason reason : RejectReason.values()) {
            perReason.put(reason, reasons.counter(reason.name().toLowerCase(Locale.ROOT)));
        }
        total = group.counter(IndexingMetrics.DEAD_LETTERED);
    }

    /** Counts one record rejected for {@code reason}. */
    public void count(RejectReason reason) {
        perReason.get(reason).inc();
        total.inc();
    }

    /** A dead letter for a request rejected after parsing; its raw bytes are the request written back as a document. */
    public static DeadLetterRecord of(IndexRequest request, RejectReason reason, String error, long now) {
        DocumentRecord record = new DocumentRecord(request.docId, request.title, request.text, request.op,
                request.documentTs == request.appendTs ? null : request.documentTs);
        return DeadLetterRecord.of(request.sourceTopic, request.sourcePartition, request.sourceOffset,
                WireJson.toBytes(record), reason, error, now);
    }
}
