package io.dsistream.operators.indexing;

import io.dsistream.models.ids.BalanceReport;
import io.dsistream.models.ids.BalanceThresholds;
import io.dsistream.models.ids.IdVocabulary;
import io.dsistream.models.ids.SemanticId;
import io.dsistream.schemas.indexing.LeafSizeChange;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BalanceMonitorTest {

    private static KeyedOneInputStreamOperatorTestHarness<Integer, LeafSizeChange, String> harness(BalanceMonitor m)
            throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(m, BalanceMonitor.KEY, Types.INT);
    }

    /** Random adds and removes; the live leaf sizes are tracked independently of the monitor. */
    private static void feed(KeyedOneInputStreamOperatorTestHarness<Integer, LeafSizeChange, String> h,
                             Map<String, Integer> sizes, int steps, long seed) throws Exception {
        Random random = new Random(seed);
        for (int i = 0; i < steps; i++) {
            String leaf = random.nextInt(4) + "." + random.nextInt(4) + "." + random.nextInt(2);
            int size = sizes.getOrDefault(leaf, 0);
            boolean add = size == 0 || random.nextInt(3) > 0;
            int after = add ? size + 1 : size - 1;
            if (after == 0) {
                sizes.remove(leaf);
            } else {
                sizes.put(leaf, after);
            }
            h.processElement(new StreamRecord<>(new LeafSizeChange(leaf, add, after, 4, "test/v1")));
        }
    }

    private static BalanceReport fromScratch(Map<String, Integer> sizes) {
        Map<SemanticId, Integer> leaves = new HashMap<>();
        sizes.forEach((leaf, n) -> leaves.put(SemanticId.parse(leaf), n));
        return BalanceReport.of(leaves, new IdVocabulary(3, 4));
    }

    /** Equal figures; the incremental entropy may differ from the batch one in the last bits of a double. */
    static void assertSameFigures(BalanceReport expected, BalanceReport actual) {
        assertEquals(expected.toMap().keySet(), actual.toMap().keySet());
        expected.toMap().forEach((figure, value) -> assertEquals(value.doubleValue(),
                actual.toMap().get(figure).doubleValue(), 1e-9 * Math.max(1.0, Math.abs(value.doubleValue())), figure));
    }

    @Test
    void gaugesEqualTheFiguresRecomputedFromScratchAlsoAfterARestore() throws Exception {
        Map<String, Integer> sizes = new HashMap<>();
        OperatorSubtaskState snapshot;
        BalanceMonitor first = new BalanceMonitor(BalanceThresholds.defaults(), Duration.ofSeconds(5));
        try (var h = harness(first)) {
            feed(h, sizes, 300, 11);
            assertSameFigures(fromScratch(sizes), first.latestReport());
            snapshot = h.snapshot(1L, 1L);
        }
        BalanceMonitor restored = new BalanceMonitor(BalanceThresholds.defaults(), Duration.ofSeconds(5));
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(restored),
                BalanceMonitor.KEY, Types.INT)) {
            h.initializeState(snapshot);
            h.open();
            feed(h, sizes, 200, 12);
            assertSameFigures(fromScratch(sizes), restored.latestReport());
        }
    }

    private static LeafSizeChange inGeneration(int generation, String leaf, boolean added, int sizeAfter) {
        LeafSizeChange change = new LeafSizeChange(leaf, added, sizeAfter, 4, "test/v" + (generation + 1));
        change.generation = generation;
        return change;
    }

    @Test
    void theOldestGenerationHeldIsReportedUntilItIsDroppedAlsoAfterARestore() throws Exception {
        BalanceMonitor first = new BalanceMonitor(BalanceThresholds.defaults(), Duration.ofSeconds(5));
        OperatorSubtaskState snapshot;
        try (var h = harness(first)) {
            h.processElement(new StreamRecord<>(inGeneration(0, "0.0.0", true, 1)));
            h.processElement(new StreamRecord<>(inGeneration(0, "0.0.0", true, 2)));
            // the same leaf in generation 1 is another leaf
            h.processElement(new StreamRecord<>(inGeneration(1, "0.0.0", true, 1)));
            h.processElement(new StreamRecord<>(inGeneration(1, "1.0.0", true, 1)));
            h.processElement(new StreamRecord<>(inGeneration(1, "2.0.0", true, 1)));
            assertSameFigures(fromScratch(Map.of("0.0.0", 2)), first.latestReport());
            snapshot = h.snapshot(1L, 1L);
        }
        BalanceMonitor restored = new BalanceMonitor(BalanceThresholds.defaults(), Duration.ofSeconds(5));
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(restored),
                BalanceMonitor.KEY, Types.INT)) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(new StreamRecord<>(inGeneration(0, "0.0.0", false, 1)));
            assertSameFigures(fromScratch(Map.of("0.0.0", 1)), restored.latestReport());
            h.processElement(new StreamRecord<>(inGeneration(0, "0.0.0", false, 0))); // generation 0 dropped
            assertSameFigures(fromScratch(Map.of("0.0.0", 1, "1.0.0", 1, "2.0.0", 1)), restored.latestReport());
            assertEquals(4, h.numKeyedStateEntries(), "leaf sizes, model version, codes per position, next report");
        }
    }

    @Test
    void reportsEveryIntervalWithAStatusAndClearsStateAndTimerWhenTheIndexEmpties() throws Exception {
        BalanceMonitor monitor = new BalanceMonitor(BalanceThresholds.defaults(), Duration.ofSeconds(5));
        try (var h = harness(monitor)) {
            h.setProcessingTime(0);
            h.processElement(new StreamRecord<>(new LeafSizeChange("0.0.0", true, 1, 4, "test/v1")));
            h.processElement(new StreamRecord<>(new LeafSizeChange("1.2.3", true, 1, 4, "test/v1")));
            assertEquals(1, h.numProcessingTimeTimers());
            h.setProcessingTime(5_000);
            h.setProcessingTime(10_000);
            List<String> reports = h.extractOutputValues();
            assertEquals(2, reports.size());
            assertTrue(reports.get(0).startsWith("{\"ts\":5000,\"status\":\"ok\",\"reasons\":[],\"modelVersion\":\"test/v1\","
                    + "\"balance\":{\"documents\":2,\"used_leaves\":2,\"normalized_entropy\":1.0"), reports.get(0));
            assertNotNull(monitor.latestReport());
            h.processElement(new StreamRecord<>(new LeafSizeChange("0.0.0", false, 0, 4, "test/v1")));
            h.processElement(new StreamRecord<>(new LeafSizeChange("1.2.3", false, 0, 4, "test/v1")));
            assertEquals(0, h.numKeyedStateEntries());
            assertEquals(0, h.numProcessingTimeTimers());
            assertEquals(0L, monitor.latestReport().documents());
        }
    }

    @Test
    void modelVersionNumberIsTheNumberAfterSlashV() {
        assertEquals(3, BalanceMonitor.versionNumber("scifact/v3"));
        assertEquals(12, BalanceMonitor.versionNumber("a/v1/v12"));
        assertEquals(0, BalanceMonitor.versionNumber(null));
        assertEquals(0, BalanceMonitor.versionNumber("scifact"));
        assertEquals(0, BalanceMonitor.versionNumber("scifact/vX"));
    }
}
