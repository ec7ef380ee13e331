package io.dsistream.operators.query;

import io.dsistream.schemas.EnrichedQueryRecord;
import io.dsistream.schemas.query.LeafHits;
import io.dsistream.schemas.query.QueryHeader;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GatherTest {

    private static KeyedTwoInputStreamOperatorTestHarness<String, QueryHeader, LeafHits, EnrichedQueryRecord> harness()
            throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
                new Gather(Duration.ofMillis(100), Duration.ofMillis(1000)),
                (KeySelector<QueryHeader, String>) h -> h.queryId, (KeySelector<LeafHits, String>) h -> h.queryId,
                Types.STRING);
    }

    private static QueryHeader header(String id, int parts, int k) {
        QueryHeader header = new QueryHeader();
        header.queryId = id;
        header.text = "text of " + id;
        header.k = k;
        header.parts = parts;
        header.modelVersion = "m/v1";
        header.receivedAtMillis = System.currentTimeMillis();
        return header;
    }

    private static LeafHits hits(String id, long scored, Object... docAndScore) {
        LeafHits hits = new LeafHits();
        hits.queryId = id;
        hits.docsScored = scored;
        int n = docAndScore.length / 2;
        hits.docIds = new String[n];
        hits.scores = new float[n];
        hits.semanticIds = new String[n];
        for (int i = 0; i < n; i++) {
            hits.docIds[i] = (String) docAndScore[2 * i];
            hits.scores[i] = (Float) docAndScore[2 * i + 1];
            hits.semanticIds[i] = "1.2.3";
        }
        return hits;
    }

    @Test
    void answersWithTheTopKOfAllPartsOnceEveryPartIsIn() throws Exception {
        try (var h = harness()) {
            h.processElement2(new StreamRecord<>(hits("q", 3, "a", 0.5f, "b", 0.1f))); // a part before its header
            h.processElement1(new StreamRecord<>(header("q", 2, 2)));
            assertTrue(h.extractOutputValues().isEmpty());
            h.processElement2(new StreamRecord<>(hits("q", 4, "c", 0.9f, "d", 0.5f)));
            List<EnrichedQueryRecord> out = h.extractOutputValues();
            assertEquals(1, out.size());
            EnrichedQueryRecord answer = out.get(0);
            assertFalse(answer.partial);
            assertEquals("c", answer.results[0].docId);
            assertEquals("a", answer.results[1].docId); // ties on score go to the smaller id
            assertEquals(2, answer.results.length);
            assertEquals("m/v1", answer.modelVersion);
            // a straggler and a re-sent id within the retention are dropped
            h.processElement2(new StreamRecord<>(hits("q", 1, "e", 2f)));
            h.processElement1(new StreamRecord<>(header("q", 1, 2)));
            assertEquals(1, h.extractOutputValues().size());
            // after the retention the id is forgotten: no state left
            h.setProcessingTime(2000);
            assertEquals(0, h.numKeyedStateEntries());
        }
    }

    @Test
    void aMissingPartTimesOutIntoAPartialAnswerAndAFailedPlanAnswersAtOnce() throws Exception {
        try (var h = harness()) {
            h.processElement1(new StreamRecord<>(header("slow", 2, 5)));
            h.processElement2(new StreamRecord<>(hits("slow", 2, "a", 0.3f)));
            assertTrue(h.extractOutputValues().isEmpty());
            h.setProcessingTime(100);
            QueryHeader failed = header("failed", 0, 5);
            failed.failed = true;
            h.processElement1(new StreamRecord<>(failed));
            List<EnrichedQueryRecord> out = h.extractOutputValues();
            assertEquals(2, out.size());
            assertTrue(out.get(0).partial);
            assertEquals("a", out.get(0).results[0].docId);
            assertTrue(out.get(1).partial);
            assertEquals(0, out.get(1).results.length);
            // parts whose header never comes are dropped after the retention
            h.processElement2(new StreamRecord<>(hits("orphan", 1, "z", 1f)));
            h.setProcessingTime(5000);
            assertEquals(2, h.extractOutputValues().size());
            assertEquals(0, h.numKeyedStateEntries());
        }
    }
}
