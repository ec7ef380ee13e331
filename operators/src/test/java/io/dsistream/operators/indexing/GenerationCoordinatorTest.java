package io.dsistream.operators.indexing;

import io.dsistream.schemas.GenerationStage;
import io.dsistream.schemas.ModelUpdateRecord;
import io.dsistream.schemas.indexing.GenerationProgress;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.dsistream.schemas.indexing.GenerationProgress.applied;
import static io.dsistream.schemas.indexing.GenerationProgress.reassigned;
import static org.junit.jupiter.api.Assertions.assertEquals;

class GenerationCoordinatorTest {

    private static KeyedOneInputStreamOperatorTestHarness<Integer, GenerationProgress, ModelUpdateRecord> harness()
            throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new GenerationCoordinator("m", Duration.ofSeconds(30)), GenerationCoordinator.KEY, Types.INT);
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<Integer, GenerationProgress, ModelUpdateRecord> h,
                             GenerationProgress progress) throws Exception {
        h.processElement(new StreamRecord<>(progress));
    }

    @Test
    void readyOnlyOnceEverySubtaskReportedAndEveryReassignmentIsAppliedThenDropAfterTheDelay() throws Exception {
        try (var h = harness()) {
            h.setProcessingTime(1_000);
            send(h, applied(1, 1)); // an acknowledgement may overtake the reports
            send(h, reassigned(1, 2, 0, 2, 2));
            send(h, applied(1, 1));
            assertEquals(List.of(), h.extractOutputValues(), "subtask 1 has not reported");
            send(h, reassigned(1, 2, 1, 2, 1));
            send(h, reassigned(1, 2, 1, 2, 1)); // a repeated report counts once
            assertEquals(List.of(), h.extractOutputValues(), "one re-assignment not applied yet");
            send(h, applied(1, 1));
            assertEquals(List.of(new ModelUpdateRecord("m", 2, 1, GenerationStage.READY)), h.extractOutputValues());
            send(h, applied(1, 1)); // late progress of an announced generation is ignored
            assertEquals(1, h.extractOutputValues().size());
            assertEquals(1, h.numProcessingTimeTimers());

            h.setProcessingTime(30_999);
            assertEquals(1, h.extractOutputValues().size(), "not before the delay");
            h.setProcessingTime(31_000);
            assertEquals(List.of(new ModelUpdateRecord("m", 2, 1, GenerationStage.READY),
                    new ModelUpdateRecord("m", 2, 1, GenerationStage.DROP)), h.extractOutputValues());
            // what is left: the last generation announced, nothing else, no timer
            assertEquals(1, h.numKeyedStateEntries());
            assertEquals(0, h.numProcessingTimeTimers());
        }
    }

    @Test
    void anEmptyIndexIsReadyAsSoonAsEverySubtaskReported() throws Exception {
        try (var h = harness()) {
            send(h, reassigned(1, 3, 0, 2, 0));
            assertEquals(List.of(), h.extractOutputValues());
            send(h, reassigned(1, 3, 1, 2, 0));
            assertEquals(List.of(new ModelUpdateRecord("m", 3, 1, GenerationStage.READY)), h.extractOutputValues());
        }
    }

    @Test
    void aNewGenerationReadyBeforeTheOldDropFiredReplacesThatDrop() throws Exception {
        try (var h = harness()) {
            h.setProcessingTime(0);
            send(h, reassigned(1, 2, 0, 1, 0));
            h.setProcessingTime(10_000);
            send(h, reassigned(2, 3, 0, 1, 0));
            h.setProcessingTime(60_000);
            assertEquals(List.of(new ModelUpdateRecord("m", 2, 1, GenerationStage.READY),
                    new ModelUpdateRecord("m", 3, 2, GenerationStage.READY),
                    new ModelUpdateRecord("m", 3, 2, GenerationStage.DROP)), h.extractOutputValues());
        }
    }
}
