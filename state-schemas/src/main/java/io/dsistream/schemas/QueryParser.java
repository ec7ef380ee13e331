package io.dsistream.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses a raw {@code queries} record into a {@link QueryRecord} or a reject reason. Stateless, thread-safe,
 * serializable.
 *
 * <p>Rules: at most {@code maxRecordBytes} (default {@link WireLimits#QUERY_MAX_RECORD_BYTES}), strict UTF-8,
 * one JSON object with no field outside {@code id, text, k, ts}; {@code id} as for documents; {@code text}
 * non-blank and at most {@link WireLimits#QUERY_MAX_TEXT_CODE_POINTS} code points (else
 * {@link RejectReason#QUERY_TOO_LONG}); {@code k} an integer, default {@value WireLimits#DEFAULT_K}. A k
 * outside [{@value WireLimits#MIN_K}, {@value WireLimits#MAX_K}] is not an error: it is clamped into that
 * range and the record is flagged {@code kClamped} so the job can count it. A k that is not an integer
 * ({@code 2.5}, {@code "10"}) is {@link RejectReason#INVALID_FIELD}.
 */
public final class QueryParser implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The wire fields of a query; anything else is {@link RejectReason#UNKNOWN_FIELD}. */
    public static final Set<String> FIELDS = Collections.unmodifiableSet(new LinkedHashSet<>(List.of("id", "text", "k", "ts")));

    private final int maxRecordBytes;
    private final int maxTextCodePoints;

    public QueryParser() {
        this(WireLimits.QUERY_MAX_RECORD_BYTES, WireLimits.QUERY_MAX_TEXT_CODE_POINTS);
    }

    public QueryParser(int maxRecordBytes, int maxTextCodePoints) {
        if (maxRecordBytes <= 0 || maxTextCodePoints <= 0) {
            throw new IllegalArgumentException("caps must be positive, got maxRecordBytes=" + maxRecordBytes
                    + ", maxTextCodePoints=" + maxTextCodePoints);
        }
        this.maxRecordBytes = maxRecordBytes;
        this.maxTextCodePoints = maxTextCodePoints;
    }

    public ParseOutcome<QueryRecord> parse(byte[] raw) {
        try {
            ObjectNode object = WireObjectReader.readObject(raw, maxRecordBytes, FIELDS);
            String id = WireObjectReader.requiredId(object, "id");
            String text = WireObjectReader.requiredText(object, "text");
            int codePoints = text.codePointCount(0, text.length());
            if (codePoints > maxTextCodePoints) {
                throw new RecordRejection(RejectReason.QUERY_TOO_LONG,
                        "field 'text' has " + codePoints + " code points, more than " + maxTextCodePoints);
            }
            Long ts = WireObjectReader.optionalTimestamp(object, "ts");
            JsonNode kNode = object.get("k");
            if (kNode == null || kNode.isNull()) {
                return ParseOutcome.accepted(new QueryRecord(id, text, WireLimits.DEFAULT_K, ts, false));
            }
            if (!kNode.isIntegralNumber()) {
                throw new RecordRejection(RejectReason.INVALID_FIELD,
                        "field 'k' must be an integer, found " + WireObjectReader.abbreviate(kNode.toString()));
            }
            int k = clampK(kNode);
            boolean clamped = !kNode.canConvertToLong() || kNode.longValue() != k;
            return ParseOutcome.accepted(new QueryRecord(id, text, k, ts, clamped));
        } catch (RecordRejection rejection) {
            return rejection.toOutcome();
        }
    }

    /** k clamped into [MIN_K, MAX_K]; integers beyond a long are clamped by their sign. */
    private static int clampK(JsonNode kNode) {
        if (!kNode.canConvertToLong()) {
            return kNode.bigIntegerValue().signum() < 0 ? WireLimits.MIN_K : WireLimits.MAX_K;
        }
        long k = kNode.longValue();
        return (int) Math.max(WireLimits.MIN_K, Math.min(WireLimits.MAX_K, k));
    }
}
