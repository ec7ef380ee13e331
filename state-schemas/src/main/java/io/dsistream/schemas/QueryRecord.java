package io.dsistream.schemas;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * A query on the {@code queries} topic: {@code {"id", "text", "k"?, "ts"?}}. A Flink POJO. Parsed by
 * {@link QueryParser}, which fills in {@code k} (default {@value WireLimits#DEFAULT_K}, clamped to
 * [{@value WireLimits#MIN_K}, {@value WireLimits#MAX_K}]) and sets {@link #kClamped}.
 */
@JsonPropertyOrder({"id", "text", "k", "ts"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public class QueryRecord {

    /** The query id; the enriched answer carries it back as {@code queryId}. */
    public String id;
    /** The query text, at most {@value WireLimits#QUERY_MAX_TEXT_CODE_POINTS} code points. */
    public String text;
    /** How many results to return, after clamping. */
    public int k = WireLimits.DEFAULT_K;
    /** Event time in epoch milliseconds; null when absent. */
    public Long ts;
    /** True when the requested k lay outside [1, 1000] and was clamped; set by the parser, never on the wire. */
    @JsonIgnore
    public boolean kClamped;

    public QueryRecord() {
    }

    public QueryRecord(String id, String text, int k, Long ts, boolean kClamped) {
        this.id = id;
        this.text = text;
        this.k = k;
        this.ts = ts;
        this.kClamped = kClamped;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof QueryRecord)) {
            return false;
        }
        QueryRecord that = (QueryRecord) o;
        return k == that.k && kClamped == that.kClamped && Objects.equals(id, that.id)
                && Objects.equals(text, that.text) && Objects.equals(ts, that.ts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, text, k, ts, kClamped);
    }

    @Override
    public String toString() {
        return "QueryRecord{id=" + id + ", k=" + k + (kClamped ? " (clamped)" : "") + ", ts=" + ts
                + ", text=" + WireObjectReader.abbreviate(String.valueOf(text)) + "}";
    }
}
