package io.dsistream.pipelines.demo;

import io.dsistream.models.eval.Ranking;
import io.dsistream.models.eval.ScoredDoc;
import io.dsistream.schemas.EnrichedQueryRecord;
import io.dsistream.schemas.QueryResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What came back on {@code enriched-queries}: the first answer per query id, how many ids were answered more than
 * once, and per answer the in-job latency ({@code latencyMs}) and the time from sending the query to reading its
 * answer. Thread-safe: one consumer thread writes, the demo reads.
 */
public final class QueryAnswers {

    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final Map<String, EnrichedQueryRecord> answers = new ConcurrentHashMap<>();
    private final Map<String, Long> sendToAnswerMs = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<EnrichedQueryRecord> unseen = new ConcurrentLinkedQueue<>();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final AtomicInteger partial = new AtomicInteger();

    void sent(String queryId, long atMillis) {
        sentAt.put(queryId, atMillis);
    }

    void received(EnrichedQueryRecord answer, long atMillis) {
        if (answers.putIfAbsent(answer.queryId, answer) != null) {
            duplicates.incrementAndGet();
            return;
        }
        if (answer.partial) {
            partial.incrementAndGet();
        }
        Long sent = sentAt.get(answer.queryId);
        if (sent != null) {
            sendToAnswerMs.put(answer.queryId, atMillis - sent);
        }
        unseen.add(answer);
    }

    /** Answers not yet taken by this method, oldest first (for printing as they come). */
    public List<EnrichedQueryRecord> takeNew() {
        List<EnrichedQueryRecord> taken = new ArrayList<>();
        for (EnrichedQueryRecord answer; (answer = unseen.poll()) != null; ) {
            taken.add(answer);
        }
        return taken;
    }

    public int answered() {
        return answers.size();
    }

    public int duplicates() {
        return duplicates.get();
    }

    public int partial() {
        return partial.get();
    }

    public EnrichedQueryRecord answer(String queryId) {
        return answers.get(queryId);
    }

    /** The answers as rankings, for scoring against qrels ({@code docsScored} is not on the wire: 0). */
    public Map<String, Ranking> rankings() {
        Map<String, Ranking> rankings = new LinkedHashMap<>();
        answers.forEach((id, answer) -> {
            List<ScoredDoc> docs = new ArrayList<>(answer.results.length);
            for (QueryResult result : answer.results) {
                docs.add(new ScoredDoc(result.docId, result.score, result.semanticId));
            }
            rankings.put(id, new Ranking(docs, 0));
        });
        return rankings;
    }

    /** The {@code q}-quantile (nearest rank) of the in-job latencies, ms; -1 with no answers. */
    public long latencyPercentile(double q) {
        return IngestStats.percentile(answers.values().stream().map(a -> a.latencyMs).toList(), q);
    }

    /** The {@code q}-quantile of send-to-answer times, ms (includes the exactly-once commit wait). */
    public long sendToAnswerPercentile(double q) {
        return IngestStats.percentile(sendToAnswerMs.values(), q);
    }
}
