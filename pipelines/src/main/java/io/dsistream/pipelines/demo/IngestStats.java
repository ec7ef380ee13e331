package io.dsistream.pipelines.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the demo's consumers saw: distinct documents with a committed upsert assignment, dead letters, and for
 * each document the time from its Kafka append to its assignment (as emitted by the trie, and as seen committed).
 * Thread-safe.
 */
public final class IngestStats {

    private final Set<String> indexed = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> emittedLatencyMs = new ConcurrentHashMap<>();
    private final Map<String, Long> visibleLatencyMs = new ConcurrentHashMap<>();
    private final Set<Long> deadLetterOffsets = ConcurrentHashMap.newKeySet();
    private volatile long firstIndexedAt;
    private volatile long lastIndexedAt;

    void assignment(String docId, boolean upsert, Long appendTs, long emittedTs, long seenAt) {
        if (!upsert) {
            indexed.remove(docId);
            return;
        }
        if (indexed.add(docId)) {
            if (firstIndexedAt == 0) {
                firstIndexedAt = seenAt;
            }
            lastIndexedAt = seenAt;
            if (appendTs != null) {
                emittedLatencyMs.put(docId, Math.max(0, emittedTs - appendTs));
                visibleLatencyMs.put(docId, Math.max(0, seenAt - appendTs));
            }
        }
    }

    void deadLetter(String sourceTopic, int partition, long offset) {
        deadLetterOffsets.add(((long) partition << 48) ^ offset ^ ((long) sourceTopic.hashCode() << 32));
    }

    public int indexed() {
        return indexed.size();
    }

    public int deadLettered() {
        return deadLetterOffsets.size();
    }

    public long firstIndexedAt() {
        return firstIndexedAt;
    }

    public long lastIndexedAt() {
        return lastIndexedAt;
    }

    /** Percentile {@code q} in [0, 1] of append → assignment emitted by the trie, ms. */
    public long emittedLatencyPercentile(double q) {
        return percentile(emittedLatencyMs.values(), q);
    }

    /** Percentile of append → assignment visible to a read_committed reader (includes the checkpoint wait), ms. */
    public long visibleLatencyPercentile(double q) {
        return percentile(visibleLatencyMs.values(), q);
    }

    /** Percentile of append → emitted over the given documents only (ms; -1 when none was indexed). */
    public long emittedLatencyPercentile(java.util.Collection<io.dsistream.models.eval.BeirDocument> documents, double q) {
        return percentile(select(emittedLatencyMs, documents), q);
    }

    /** Percentile of append → visible over the given documents only. */
    public long visibleLatencyPercentile(java.util.Collection<io.dsistream.models.eval.BeirDocument> documents, double q) {
        return percentile(select(visibleLatencyMs, documents), q);
    }

    private static List<Long> select(Map<String, Long> latencies, java.util.Collection<io.dsistream.models.eval.BeirDocument> documents) {
        List<Long> out = new ArrayList<>();
        for (io.dsistream.models.eval.BeirDocument d : documents) {
            Long ms = latencies.get(d.id());
            if (ms != null) {
                out.add(ms);
            }
        }
        return out;
    }

    public Set<String> indexedIds() {
        return Collections.unmodifiableSet(new HashSet<>(indexed));
    }

    /** Nearest-rank {@code q}-quantile of {@code values}; -1 when there are none. */
    public static long percentile(java.util.Collection<Long> values, double q) {
        List<Long> sorted = new ArrayList<>(values);
        if (sorted.isEmpty()) {
            return -1;
        }
        Collections.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.size()) - 1; // nearest-rank
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank)));
    }
}
