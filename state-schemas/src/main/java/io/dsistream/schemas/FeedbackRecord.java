package io.dsistream.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * A relevance judgement on the {@code feedback} topic: {@code {"queryText", "docId", "label"?, "ts"?}}.
 * A Flink POJO; the trainer turns it into a supervised (query, document) pair. Parsed by {@link FeedbackParser}.
 */
@JsonPropertyOrder({"queryText", "docId", "label", "ts"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FeedbackRecord {

    /** Label when the record names none: a click, i.e. relevant. */
    public static final float DEFAULT_LABEL = 1.0f;

    /** The query as the user typed it. */
    public String queryText;
    /** The document judged. */
    public String docId;
    /** Graded relevance, finite and at least 0; 0 is an explicit "not relevant", true/false read as 1/0. */
    public float label = DEFAULT_LABEL;
    /** Event time in epoch milliseconds; null when absent. */
    public Long ts;

    public FeedbackRecord() {
    }

    public FeedbackRecord(String queryText, String docId, float label, Long ts) {
        this.queryText = queryText;
        this.docId = docId;
        this.label = label;
        this.ts = ts;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof FeedbackRecord)) {
            return false;
        }
        FeedbackRecord that = (FeedbackRecord) o;
        return Float.compare(label, that.label) == 0 && Objects.equals(queryText, that.queryText)
                && Objects.equals(docId, that.docId) && Objects.equals(ts, that.ts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(queryText, docId, label, ts);
    }

    @Override
    public String toString() {
        return "FeedbackRecord{docId=" + docId + ", label=" + label + ", ts=" + ts + ", queryText=" + queryText + "}";
    }
}
