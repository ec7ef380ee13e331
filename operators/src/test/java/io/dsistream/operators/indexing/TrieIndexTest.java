package io.dsistream.operators.indexing;

import io.dsistream.schemas.AssignmentRecord;
import io.dsistream.schemas.DocumentOp;
import io.dsistream.schemas.indexing.IndexChange;
import io.dsistream.schemas.indexing.LeafSizeChange;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
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
        try (KeyedOneInputStreamOperatorTestHarness<String, IndexChange, AssignmentRecord> h =
                     ProcessFunctionTestHarnesses.forKeyedProcessFunction(new TrieIndex(1), new IdPrefixKey(1), Types.STRING)) {
            h.processElement(new StreamRecord<>(change("a", "1.2.3", true, true)));
            h.processElement(new StreamRecord<>(change("b", "1.2.3", true, true)));
            h.processElement(new StreamRecord<>(change("c", "1.0.0", true, true)));
            h.processElement(new StreamRecord<>(change("a", "1.2.3", true, true))); // already there: no size change
            // key "1" holds both map states (the heap harness counts one entry per state and key)
            assertEquals(2, h.numKeyedStateEntries());
            h.processElement(new StreamRecord<>(change("a", "1.2.3", false, false))); // remove half of a replace
            h.processElement(new StreamRecord<>(change("b", "1.2.3", false, true)));
            h.processElement(new StreamRecord<>(change("c", "1.0.0", false, true)));
            h.processElement(new StreamRecord<>(change("zz", "1.0.0", false, true))); // not held: ignored
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
