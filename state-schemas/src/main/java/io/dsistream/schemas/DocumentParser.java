package io.dsistream.schemas;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses a raw {@code documents} record into a {@link DocumentRecord} or a reject reason. Stateless and
 * thread-safe; serializable so a Flink function can hold one.
 *
 * <p>Rules, checked in this order: the record is at most {@code maxRecordBytes} (default
 * {@link WireLimits#DOCUMENT_MAX_RECORD_BYTES}), strict UTF-8, one JSON object, with no field outside
 * {@code id, title, text, op, ts}; {@code id} is a non-blank string of at most {@link WireLimits#MAX_ID_CHARS}
 * chars, kept verbatim; {@code op} is exactly {@code "upsert"} or {@code "delete"} (absent or null means
 * upsert); an upsert needs a non-blank {@code text} (a delete ignores text and title); {@code title} is a
 * string or null; {@code ts} a non-negative integer or null. There is no cap on text length below the record
 * cap: long texts are truncated by the tokenizer, and counting that is the job's business.
 */
public final class DocumentParser implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The wire fields of a document; anything else is {@link RejectReason#UNKNOWN_FIELD}. */
    public static final Set<String> FIELDS = Collections.unmodifiableSet(new LinkedHashSet<>(List.of("id", "title", "text", "op", "ts")));

    private final int maxRecordBytes;

    public DocumentParser() {
        this(WireLimits.DOCUMENT_MAX_RECORD_BYTES);
    }

    public DocumentParser(int maxRecordBytes) {
        if (maxRecordBytes <= 0) {
            throw new IllegalArgumentException("maxRecordBytes must be positive, got " + maxRecordBytes);
        }
        this.maxRecordBytes = maxRecordBytes;
    }

    public ParseOutcome<DocumentRecord> parse(byte[] raw) {
        try {
            ObjectNode object = WireObjectReader.readObject(raw, maxRecordBytes, FIELDS);
            String id = WireObjectReader.requiredId(object, "id");
            DocumentOp op = readOp(object);
            Long ts = WireObjectReader.optionalTimestamp(object, "ts");
            if (op == DocumentOp.DELETE) {
                return ParseOutcome.accepted(new DocumentRecord(id, null, null, op, ts));
            }
            String title = WireObjectReader.optionalString(object, "title");
            String text = WireObjectReader.requiredText(object, "text");
            return ParseOutcome.accepted(new DocumentRecord(id, title, text, op, ts));
        } catch (RecordRejection rejection) {
            return rejection.toOutcome();
        }
    }

    private static DocumentOp readOp(ObjectNode object) throws RecordRejection {
        if (object.get("op") != null && !object.get("op").isNull() && !object.get("op").isTextual()) {
            throw new RecordRejection(RejectReason.UNKNOWN_OP,
                    "field 'op' must be \"upsert\" or \"delete\", found " + WireObjectReader.abbreviate(object.get("op").toString()));
        }
        String wire = WireObjectReader.optionalString(object, "op");
        if (wire == null) {
            return DocumentOp.UPSERT;
        }
        return DocumentOp.fromWireName(wire).orElseThrow(() -> new RecordRejection(RejectReason.UNKNOWN_OP,
                "field 'op' must be \"upsert\" or \"delete\", found \"" + WireObjectReader.abbreviate(wire) + "\""));
    }
}
