package io.dsistream.operators.query;

import io.dsistream.models.eval.Ranking;
import io.dsistream.models.eval.ScoredDoc;
import io.dsistream.models.retrieval.LeafLookup;
import io.dsistream.schemas.EnrichedQueryRecord;
import io.dsistream.schemas.QueryResult;
import io.dsistream.schemas.query.LeafHits;
import io.dsistream.schemas.query.QueryHeader;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Keyed by query id: collects a query's {@link LeafHits} parts and answers it once, with the top k of all parts
 * ({@link LeafLookup#merge}), when its {@link QueryHeader} and every part are in, or when {@code timeout} after the
 * header has passed (then the answer is marked {@code partial}). After answering it remembers the query for
 * {@code retention}, so a straggling part is dropped (counted as late) instead of opening a second answer; a
 * part with no header never produces an answer. Each query id is answered once: a query re-sent with an id
 * answered less than {@code retention} ago is counted ({@value QueryMetrics#REPEATED_IDS}) and not answered again.
 */
public class Gather extends KeyedCoProcessFunction<String, QueryHeader, LeafHits, EnrichedQueryRecord> {

    private static final long serialVersionUID = 1L;

    private final long timeoutMillis;
    private final long retentionMillis;
    private transient ValueState<QueryHeader> header;
    private transient ListState<LeafHits> parts;
    private transient ValueState<Integer> received;
    private transient ValueState<Long> answeredAt;
    private transient Histogram latency;
    private transient Histogram docsScored;
    private transient Counter answered;
    private transient Counter partial;
    private transient Counter lateParts;
    private transient Counter repeatedIds;

    /**
     * @param timeout   how long after its header a query may wait for its parts
     * @param retention how long an answered query is remembered to drop late parts; longer than {@code timeout}
     */
    public Gather(Duration timeout, Duration retention) {
        this.timeoutMillis = timeout.toMillis();
        this.retentionMillis = Math.max(retention.toMillis(), timeout.toMillis());
    }

    @Override
    public void open(OpenContext openContext) {
        header = getRuntimeContext().getState(new ValueStateDescriptor<>("header",
                TypeInformation.of(QueryHeader.class)));
        parts = getRuntimeContext().getListState(new ListStateDescriptor<>("parts", TypeInformation.of(LeafHits.class)));
        received = getRuntimeContext().getState(new ValueStateDescriptor<>("received", Types.INT));
        answeredAt = getRuntimeContext().getState(new ValueStateDescriptor<>("answered-at", Types.LONG));
        var metrics = getRuntimeContext().getMetricGroup();
        latency = metrics.histogram(QueryMetrics.LATENCY, new DescriptiveStatisticsHistogram(QueryMetrics.HISTOGRAM_WINDOW));
        docsScored = metrics.histogram(QueryMetrics.DOCS_SCORED,
                new DescriptiveStatisticsHistogram(QueryMetrics.HISTOGRAM_WINDOW));
        answered = metrics.counter(QueryMetrics.ANSWERED);
        partial = metrics.counter(QueryMetrics.PARTIAL);
        lateParts = metrics.counter(QueryMetrics.LATE_PARTS);
        repeatedIds = metrics.counter(QueryMetrics.REPEATED_IDS);
    }

    @Override
    public void processElement1(QueryHeader query, Context ctx, Collector<EnrichedQueryRecord> out) throws Exception {
        if (answeredAt.value() != null) {
            repeatedIds.inc(); // the id was answered within the retention: its first answer stands
            return;
        }
        header.update(query);
        if (receivedCount() >= query.parts) {
            answer(ctx, out);
        } else {
            ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + timeoutMillis);
        }
    }

    @Override
    public void processElement2(LeafHits hits, Context ctx, Collector<EnrichedQueryRecord> out) throws Exception {
        if (answeredAt.value() != null) {
            lateParts.inc();
            return;
        }
        parts.add(hits);
        int count = receivedCount() + 1;
        received.update(count);
        QueryHeader query = header.value();
        if (query == null) {
            if (count == 1) { // parts before their header: forget them if it never comes
                ctx.timerService().registerProcessingTimeTimer(
                        ctx.timerService().currentProcessingTime() + retentionMillis);
            }
        } else if (count >= query.parts) {
            answer(ctx, out);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EnrichedQueryRecord> out) throws Exception {
        Long answered = answeredAt.value();
        if (answered != null) {
            if (timestamp >= answered + retentionMillis) {
                answeredAt.clear();
            }
            return;
        }
        if (header.value() != null) {
            answer(ctx, out);
        } else { // parts whose header never came
            parts.clear();
            received.clear();
        }
    }

    private int receivedCount() throws Exception {
        Integer count = received.value();
        return count == null ? 0 : count;
    }

    private void answer(Context ctx, Collector<EnrichedQueryRecord> out) throws Exception {
        QueryHeader query = header.value();
        List<Ranking> answers = new ArrayList<>();
        for (LeafHits hits : parts.get()) {
            answers.add(toRanking(hits));
        }
        Ranking merged = LeafLookup.merge(answers, query.k);
        QueryResult[] results = new QueryResult[merged.size()];
        for (int i = 0; i < results.length; i++) {
            ScoredDoc doc = merged.docs().get(i);
            results[i] = new QueryResult(doc.docId(), doc.score(), doc.semanticId());
        }
        long now = ctx.timerService().currentProcessingTime();
        boolean incomplete = query.failed || answers.size() < query.parts;
        long latencyMs = Math.max(0, System.currentTimeMillis() - query.receivedAtMillis);
        out.collect(new EnrichedQueryRecord(query.queryId, query.text, results, query.modelVersion, latencyMs,
                incomplete));
        latency.update(latencyMs);
        docsScored.update(merged.docsScored());
        answered.inc();
        if (incomplete) {
            partial.inc();
        }
        header.clear();
        parts.clear();
        received.clear();
        answeredAt.update(now);
        ctx.timerService().registerProcessingTimeTimer(now + retentionMillis);
    }

    private static Ranking toRanking(LeafHits hits) {
        List<ScoredDoc> docs = new ArrayList<>(hits.docIds.length);
        for (int i = 0; i < hits.docIds.length; i++) {
            docs.add(new ScoredDoc(hits.docIds[i], hits.scores[i], hits.semanticIds[i]));
        }
        return new Ranking(docs, hits.docsScored);
    }
}
