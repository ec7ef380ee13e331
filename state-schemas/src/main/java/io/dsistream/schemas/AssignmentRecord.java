package io.dsistream.schemas;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * A semantic-ID assignment on the {@code docid-assignments} topic:
 * {@code {"docId", "semanticId", "modelVersion", "op", "ts"}}. Every field is always written (a delete
 * carries the id the document held). A Flink POJO.
 */
@JsonPropertyOrder({"docId", "semanticId", "modelVersion", "op", "ts"})
public class AssignmentRecord {

    public String docId;
    /** The ID's codes, position 0 first, joined with '.', e.g. {@code "12.200.3.77"}. */
    public String semanticId;
    /** The model bundle that assigned it, {@code <name>/v<N>} as in the registry. */
    public String modelVersion;
    /** Upsert: the document now holds this ID; delete: it no longer does. */
    public DocumentOp op;
    /** When the assignment was made, epoch milliseconds. */
    public long ts;

    public AssignmentRecord() {
    }

    public AssignmentRecord(String docId, String semanticId, String modelVersion, DocumentOp op, long ts) {
        this.docId = docId;
        this.semanticId = semanticId;
        this.modelVersion = modelVersion;
        this.op = op;
        this.ts = ts;
    }

    /** Formats codes as the wire's semantic id, e.g. {@code [12, 200, 3, 77] -> "12.200.3.77"}. */
    public static String formatSemanticId(int[] codes) {
        StringBuilder s = new StringBuilder(codes.length * 4);
        for (int i = 0; i < codes.length; i++) {
            if (i > 0) {
                s.append('.');
            }
            s.append(codes[i]);
        }
        return s.toString();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AssignmentRecord)) {
            return false;
        }
        AssignmentRecord that = (AssignmentRecord) o;
        return ts == that.ts && Objects.equals(docId, that.docId) && Objects.equals(semanticId, that.semanticId)
                && Objects.equals(modelVersion, that.modelVersion) && op == that.op;
    }

    @Override
    public int hashCode() {
        return Objects.hash(docId, semanticId, modelVersion, op, ts);
    }

    @Override
    public String toString() {
        return WireJson.toJson(this);
    }
}
