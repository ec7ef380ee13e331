package io.dsistream.schemas;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * The answer to a query on the {@code enriched-queries} topic:
 * {@code {"queryId", "text", "results": [{"docId", "score", "semanticId"}], "modelVersion", "latencyMs", "partial"}}.
 * {@code results} is an array (not a List) so Flink's POJO analysis keeps it off Kryo.
 */
@JsonPropertyOrder({"queryId", "text", "results", "modelVersion", "latencyMs", "partial"})
public class EnrichedQueryRecord {

    public String queryId;
    public String text;
    /** Best first, at most k entries. */
    public QueryResult[] results = new QueryResult[0];
    public String modelVersion;
    /** From reading the query to emitting this answer, milliseconds. */
    public long latencyMs;
    /** True when some part of the search timed out and the results may be incomplete. */
    public boolean partial;

    public EnrichedQueryRecord() {
    }

    public EnrichedQueryRecord(String queryId, String text, QueryResult[] results, String modelVersion,
                               long latencyMs, boolean partial) {
        this.queryId = queryId;
        this.text = text;
        this.results = results;
        this.modelVersion = modelVersion;
        this.latencyMs = latencyMs;
        this.partial = partial;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof EnrichedQueryRecord)) {
            return false;
        }
        EnrichedQueryRecord that = (EnrichedQueryRecord) o;
        return latencyMs == that.latencyMs && partial == that.partial && Objects.equals(queryId, that.queryId)
                && Objects.equals(text, that.text) && Arrays.equals(results, that.results)
                && Objects.equals(modelVersion, that.modelVersion);
    }

    @Override
    public int hashCode() {
        return Objects.hash(queryId, text, Arrays.hashCode(results), modelVersion, latencyMs, partial);
    }

    @Override
    public String toString() {
        return WireJson.toJson(this);
    }
}
