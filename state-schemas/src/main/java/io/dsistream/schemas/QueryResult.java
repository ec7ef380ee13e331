package io.dsistream.schemas;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/** One ranked hit of an enriched query: {@code {"docId", "score", "semanticId"}}. A Flink POJO. */
@JsonPropertyOrder({"docId", "score", "semanticId"})
public class QueryResult {

    public String docId;
    /** Higher is better; comparable only within one query. */
    public float score;
    /** The ID of the leaf the document was found in, as in {@link AssignmentRecord#semanticId}. */
    public String semanticId;

    public QueryResult() {
    }

    public QueryResult(String docId, float score, String semanticId) {
        this.docId = docId;
        this.score = score;
        this.semanticId = semanticId;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof QueryResult)) {
            return false;
        }
        QueryResult that = (QueryResult) o;
        return Float.compare(score, that.score) == 0 && Objects.equals(docId, that.docId)
                && Objects.equals(semanticId, that.semanticId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(docId, score, semanticId);
    }

    @Override
    public String toString() {
        return docId + "@" + semanticId + "=" + score;
    }
}
