package io.dsistream.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses a raw {@code feedback} record into a {@link FeedbackRecord} or a reject reason. Stateless,
 * thread-safe, serializable.
 *
 * <p>Rules: at most {@link WireLimits#QUERY_MAX_RECORD_BYTES}, strict UTF-8, one JSON object with no field
 * outside {@code queryText, docId, label, ts}; {@code queryText} as a query text (non-blank, at most
 * {@link WireLimits#QUERY_MAX_TEXT_CODE_POINTS} code points); {@code docId} as a document id; {@code label}
 * a finite number &ge; 0 or a boolean (true = 1, false = 0), default {@value FeedbackRecord#DEFAULT_LABEL}.
 */
public final class FeedbackParser implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The wire fields of feedback; anything else is {@link RejectReason#UNKNOWN_FIELD}. */
    public static final Set<String> FIELDS = Collections.unmodifiableSet(new LinkedHashSet<>(List.of("queryText", "docId", "label", "ts")));

    public ParseOutcome<FeedbackRecord> parse(byte[] raw) {
        try {
            ObjectNode object = WireObjectReader.readObject(raw, WireLimits.QUERY_MAX_RECORD_BYTES, FIELDS);
            String queryText = WireObjectReader.requiredText(object, "queryText");
            int codePoints = queryText.codePointCount(0, queryText.length());
            if (codePoints > WireLimits.QUERY_MAX_TEXT_CODE_POINTS) {
                throw new RecordRejection(RejectReason.QUERY_TOO_LONG, "field 'queryText' has " + codePoints
                        + " code points, more than " + WireLimits.QUERY_MAX_TEXT_CODE_POINTS);
            }
            String docId = WireObjectReader.requiredId(object, "docId");
            float label = readLabel(object.get("label"));
            Long ts = WireObjectReader.optionalTimestamp(object, "ts");
            return ParseOutcome.accepted(new FeedbackRecord(queryText, docId, label, ts));
        } catch (RecordRejection rejection) {
            return rejection.toOutcome();
        }
    }

    private static float readLabel(JsonNode node) throws RecordRejection {
        if (node == null || node.isNull()) {
            return FeedbackRecord.DEFAULT_LABEL;
        }
        if (node.isBoolean()) {
            return node.booleanValue() ? 1f : 0f;
        }
        float label = node.isNumber() ? node.floatValue() : Float.NaN;
        if (!Float.isFinite(label) || label < 0f) {
            throw new RecordRejection(RejectReason.INVALID_FIELD,
                    "field 'label' must be a finite number >= 0 or a boolean, found " + WireObjectReader.abbreviate(node.toString()));
        }
        return label;
    }
}
