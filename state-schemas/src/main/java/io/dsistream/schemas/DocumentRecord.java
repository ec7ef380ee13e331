package io.dsistream.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * A document on the {@code documents} topic: {@code {"id", "title"?, "text", "op": "upsert"|"delete", "ts"?}}.
 * A Flink POJO (public fields, public no-arg constructor), so Flink's PojoSerializer carries it without Kryo.
 * Parsed by {@link DocumentParser}; written by {@link WireJson} with absent optional fields left out.
 */
@JsonPropertyOrder({"id", "title", "text", "op", "ts"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DocumentRecord {

    /** The document id, verbatim (never trimmed); the Kafka key and the state key. */
    public String id;
    /** Optional title; null when absent. */
    public String title;
    /** The document text; required for an upsert, may be null for a delete. */
    public String text;
    /** Upsert (the default when absent) or delete. */
    public DocumentOp op;
    /** Event time in epoch milliseconds; null when absent (the job then uses the Kafka record timestamp). */
    public Long ts;

    public DocumentRecord() {
    }

    public DocumentRecord(String id, String title, String text, DocumentOp op, Long ts) {
        this.id = id;
        this.title = title;
        this.text = text;
        this.op = op;
        this.ts = ts;
    }

    public static DocumentRecord upsert(String id, String title, String text) {
        return new DocumentRecord(id, title, text, DocumentOp.UPSERT, null);
    }

    public static DocumentRecord delete(String id) {
        return new DocumentRecord(id, null, null, DocumentOp.DELETE, null);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DocumentRecord)) {
            return false;
        }
        DocumentRecord that = (DocumentRecord) o;
        return Objects.equals(id, that.id) && Objects.equals(title, that.title) && Objects.equals(text, that.text)
                && op == that.op && Objects.equals(ts, that.ts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, title, text, op, ts);
    }

    @Override
    public String toString() {
        return "DocumentRecord{id=" + id + ", op=" + op + ", ts=" + ts + ", title=" + title
                + ", text=" + (text == null ? null : text.length() + " chars") + "}";
    }
}
