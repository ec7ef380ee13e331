package io.dsistream.operators.indexing;

import io.dsistream.schemas.AssignmentRecord;
import io.dsistream.schemas.DocumentOp;
import io.dsistream.schemas.indexing.IndexChange;
import io.dsistream.schemas.indexing.LeafSizeChange;
import io.dsistream.schemas.query.LeafHits;
import io.dsistream.schemas.query.LeafQuery;
import io.dsistream.models.retrieval.StreamingRetrievalOptions;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TrieIndexTest {

    private static IndexChange change(String docId, String leaf, boolean add, boolean emit) {
        IndexChange c = new IndexChange();
        c.docId = docId;
        c.semanticId = leaf;
        c.add = add;
        c.emitAssignment = emit;
        c.op = add ? DocumentOp.UPSERT : DocumentOp.DELETE;
        c.modelVersion = "test/v1";
        c.codesPerPosition = 4;
        c.title = "t";
        c.vectorInt8 = new byte[] {1, 2};
        c.vectorScale = 0.5f;
        return c;
    }

    @Test
    void countsFollowAddsAndRemovesAndAnEmptiedSubtreeLeavesNoState() throws Exception {
        try (KeyedTwoInputStreamOperatorTestHarness<String, IndexChange, LeafQuery, AssignmentRecord> h = harness()) {
            h.processElement1(new StreamRecord<>(change("a", "1.2.3", true, true)));
            h.processElement1(new StreamRecord<>(change("b", "1.2.3", true, true)));
            h.processElement1(new StreamRecord<>(change("c", "1.0.0", true, true)));
            h.processElement1(new StreamRecord<>(change("a", "1.2.3", true, true))); // already there: no size change
            // key "1" holds the three map states (the heap harness counts one entry per state and key)
            assertEquals(3, h.numKeyedStateEntries());
            h.processElement1(new StreamRecord<>(change("a", "1.2.3", false, false))); // remove half of a replace
            h.processElement1(new StreamRecord<>(change("b", "1.2.3", false, true)));
            h.processElement1(new StreamRecord<>(change("c", "1.0.0", false, true)));
            h.processElement1(new StreamRecord<>(change("zz", "1.0.0", false, true))); // not held: ignored
            assertEquals(0, h.numKeyedStateEntries());
            assertEquals(0, h.numProcessingTimeTimers());

            List<String> assignments = h.extractOutputValues().stream()
                    .map(a -> a.op.wireName() + " " + a.docId + " " + a.semanticId).collect(Collectors.toList());
            assertEquals(List.of("upsert a 1.2.3", "upsert b 1.2.3", "upsert c 1.0.0", "upsert a 1.2.3",
                    "delete b 1.2.3", "delete c 1.0.0"), assignments);
            List<String> sizes = h.getSideOutput(TrieIndex.LEAF_SIZES).stream().map(StreamRecord::getValue)
                    .map(s -> (s.added ? "+" : "-") + s.semanticId + "=" + s.sizeAfter).collect(Collectors.toList());
            assertEquals(List.of("+1.2.3=1", "+1.2.3=2", "+1.0.0=1", "-1.2.3=1", "-1.2.3=0", "-1.0.0=0"), sizes);
        }
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, IndexChange, LeafQuery, AssignmentRecord> harness()
            throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
                new TrieIndex(1, new StreamingRetrievalOptions(1, 1, 4, 0.5f, 1f)), new IdPrefixKey(1),
                (KeySelector<LeafQuery, String>) q -> q.trieKey, Types.STRING);
    }

    private static LeafQuery lookup(String queryId, String key, String[] leaves, double[] scores) {
        LeafQuery query = new LeafQuery();
        query.queryId = queryId;
        query.trieKey = key;
        query.leaves = leaves;
        query.decoderScores = scores;
        query.vector = new float[] {1f, 1f};
        query.codeLogProbs = new float[12]; // L = 3, V = 4, no preference
        query.k = 2;
        query.codesPerPosition = 4;
        return query;
    }

    @Test
    void lookupsReadTheLeavesJustIndexedAndBackOffWhenEmpty() throws Exception {
        try (KeyedTwoInputStreamOperatorTestHarness<String, IndexChange, LeafQuery, AssignmentRecord> h = harness()) {
            h.processElement1(new StreamRecord<>(change("a", "1.2.3", true, true)));   // embedding (0.5, 1)
            h.processElement2(new StreamRecord<>(lookup("q1", "1", new String[] {"1.2.3"}, new double[] {-2})));
            IndexChange b = change("b", "1.2.3", true, true);
            b.vectorScale = 1f;                                                        // embedding (1, 2)
            h.processElement1(new StreamRecord<>(b));
            h.processElement1(new StreamRecord<>(change("c", "1.3.0", true, true)));
            // 1.2.0 is empty: back off under 1.2 to 1.2.3; 1.3.0 is populated
            h.processElement2(new StreamRecord<>(lookup("q2", "1", new String[] {"1.2.0", "1.3.0"},
                    new double[] {-1, -4})));
            h.processElement2(new StreamRecord<>(lookup("q3", "2", new String[] {"2.0.0"}, new double[] {0})));
            List<LeafHits> hits = h.getSideOutput(TrieIndex.LEAF_HITS).stream().map(StreamRecord::getValue).toList();
            assertEquals(3, hits.size());
            assertEquals(List.of("a"), List.of(hits.get(0).docIds));
            assertEquals(0.5f * -2 + 1.5f, hits.get(0).scores[0], 1e-6);
            // q2: b = -0.5 + 3 = 2.5, a = -0.5 + 1.5 = 1.0, c = -2 + 1.5 = -0.5; k = 2
            assertEquals(List.of("b", "a"), List.of(hits.get(1).docIds));
            assertEquals(List.of("1.2.3", "1.2.3"), List.of(hits.get(1).semanticIds));
            assertEquals(3, hits.get(1).docsScored);
            assertEquals(0, hits.get(2).docIds.length); // key 2 holds nothing
        }
    }

    @Test
    void eachGenerationIsSeparateStateAndRebuildAddsAreAcknowledged() throws Exception {
        try (KeyedTwoInputStreamOperatorTestHarness<String, IndexChange, LeafQuery, AssignmentRecord> h = harness()) {
            h.processElement1(new StreamRecord<>(change("a", "1.2.3", true, true)));
            IndexChange rebuilt = change("a", "1.0.1", true, true);
            rebuilt.generation = 1;
            rebuilt.rebuild = true;
            h.processElement1(new StreamRecord<>(rebuilt));
            h.processElement2(new StreamRecord<>(lookup("old", "1", new String[] {"1.2.3"}, new double[] {0})));
            h.processElement2(new StreamRecord<>(lookup("new", "1@g1", new String[] {"1.0.1"}, new double[] {0})));
            List<LeafHits> hits = h.getSideOutput(TrieIndex.LEAF_HITS).stream().map(StreamRecord::getValue).toList();
            assertEquals(List.of("1.2.3"), List.of(hits.get(0).semanticIds));
            assertEquals(List.of("1.0.1"), List.of(hits.get(1).semanticIds));
            assertEquals(1, hits.get(1).docsScored, "generation 1 holds only its own leaf");
            List<LeafSizeChange> sizes = h.getSideOutput(TrieIndex.LEAF_SIZES).stream().map(StreamRecord::getValue)
                    .toList();
            assertEquals(List.of(0, 1), sizes.stream().map(c -> c.generation).toList());
            var progress = h.getSideOutput(GenerationCoordinator.PROGRESS).stream().map(StreamRecord::getValue)
                    .toList();
            assertEquals(1, progress.size());
            assertEquals(1, progress.get(0).generation);
            // dropping generation 0 leaves generation 1's state alone
            h.processElement1(new StreamRecord<>(change("a", "1.2.3", false, false)));
            assertEquals(3, h.numKeyedStateEntries(), "key 1@g1's three map states");
        }
    }

    @Test
    void generationKeysKeepGenerationZerosFormat() {
        assertEquals("3.1", IdPrefixKey.key(0, "3.1"));
        assertEquals("3.1@g2", IdPrefixKey.key(2, "3.1"));
        assertEquals(2, IdPrefixKey.generationOf("3.1@g2"));
        assertEquals(0, IdPrefixKey.generationOf("3.1"));
        assertEquals("3.1", IdPrefixKey.prefixOf("3.1@g2"));
    }

    @Test
    void prefixKeyTakesTheFirstCodes() {
        assertEquals("12", IdPrefixKey.prefix("12.3.45", 1));
        assertEquals("12.3", IdPrefixKey.prefix("12.3.45", 2));
        assertEquals("12.3.45", IdPrefixKey.prefix("12.3.45", 5));
    }

    @Test
    void leafSizeChangeTypeIsUsedByTheSideOutput() {
        assertEquals(LeafSizeChange.class, TrieIndex.LEAF_SIZES.getTypeInfo().getTypeClass());
    }
}
