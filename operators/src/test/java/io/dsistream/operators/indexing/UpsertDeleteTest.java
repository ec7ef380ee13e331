package io.dsistream.operators.indexing;

import io.dsistream.schemas.DeadLetterRecord;
import io.dsistream.schemas.DocumentOp;
import io.dsistream.schemas.RejectReason;
import io.dsistream.schemas.indexing.IndexChange;
import io.dsistream.schemas.indexing.IndexRequest;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static io.dsistream.operators.indexing.IndexRequests.delete;
import static io.dsistream.operators.indexing.IndexRequests.upsert;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class UpsertDeleteTest {

    private static KeyedOneInputStreamOperatorTestHarness<String, IndexRequest, IndexChange> harness() throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(new UpsertDelete(false), r -> r.docId, Types.STRING);
    }

    private static List<String> changes(KeyedOneInputStreamOperatorTestHarness<String, IndexRequest, IndexChange> h) {
        return h.extractOutputValues().stream()
                .map(c -> (c.add ? "+" : "-") + c.docId + "@" + c.semanticId + (c.emitAssignment ? "!" : ""))
                .collect(Collectors.toList());
    }

    @Test
    void upsertReplaceNoOpAndDeleteBecomeTrieChangesAndDeleteLeavesNoState() throws Exception {
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(upsert("d1", "alpha", 1, 2, 3)));
            h.processElement(new StreamRecord<>(upsert("d1", "alpha", 1, 2, 3)));   // unchanged re-send: no-op
            h.processElement(new StreamRecord<>(upsert("d1", "beta", 0, 0, 1)));    // changed: moves leaf
            h.processElement(new StreamRecord<>(upsert("d2", "gamma", 1, 2, 3)));
            assertEquals(2, h.numKeyedStateEntries());
            h.processElement(new StreamRecord<>(delete("d1")));
            assertEquals(List.of("+d1@1.2.3!", "-d1@1.2.3", "+d1@0.0.1!", "+d2@1.2.3!", "-d1@0.0.1!"), changes(h));
            IndexChange last = h.extractOutputValues().get(4);
            assertEquals(DocumentOp.DELETE, last.op);
            assertEquals(1, h.numKeyedStateEntries()); // only d2's entry is left
            h.processElement(new StreamRecord<>(delete("d2")));
            assertEquals(0, h.numKeyedStateEntries());
            assertEquals(0, h.numProcessingTimeTimers());
            assertEquals(0, h.numEventTimeTimers());
        }
    }

    @Test
    void deleteOfAnUnknownIdIsADeadLetterWithItsReason() throws Exception {
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(delete("ghost")));
            assertEquals(List.of(), h.extractOutputValues());
            List<DeadLetterRecord> letters = h.getSideOutput(DeadLetters.TAG).stream()
                    .map(StreamRecord::getValue).collect(Collectors.toList());
            assertEquals(1, letters.size());
            assertEquals(RejectReason.DELETE_OF_UNKNOWN_ID, letters.get(0).reason);
            assertEquals("{\"id\":\"ghost\",\"op\":\"delete\"}", letters.get(0).raw);
            assertEquals(0, h.numKeyedStateEntries());
        }
    }

    @Test
    void int8FeaturesKeepTheVectorToWithinHalfAScaleStep() {
        IndexChange change = new IndexChange();
        UpsertDelete.quantizeInt8(new float[] {0.6f, -0.8f, 0f}, change);
        // scale = 0.8 / 127; 0.6 / scale = 95.25 -> 95; -0.8 -> -127
        assertArrayEquals(new byte[] {95, -127, 0}, change.vectorInt8);
        assertEquals(0.8f / 127f, change.vectorScale, 1e-9f);
    }
}
