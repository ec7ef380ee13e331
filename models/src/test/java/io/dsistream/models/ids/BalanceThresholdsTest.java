package io.dsistream.models.ids;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BalanceThresholdsTest {

    private static final IdVocabulary V4 = new IdVocabulary(2, 4);

    @Test
    void evenLeavesAreOkOneCrowdedLeafWarnsOrAlerts() {
        Map<SemanticId, Integer> even = new LinkedHashMap<>();
        for (int a = 0; a < 4; a++) {
            even.put(SemanticId.of(a, 0), 1);
        }
        BalanceThresholds thresholds = BalanceThresholds.defaults();
        assertEquals(BalanceThresholds.Status.OK, thresholds.judge(BalanceReport.of(even, V4)).status());

        // One leaf of 20 beside 4 leaves of 1: normalised entropy and Gini both fall out of bounds.
        Map<SemanticId, Integer> crowded = new LinkedHashMap<>();
        crowded.put(SemanticId.of(0, 0), 20);
        for (int b = 0; b < 4; b++) {
            crowded.put(SemanticId.of(1, b), 1);
        }
        BalanceThresholds.Verdict verdict = new BalanceThresholds(0.9, 0.1, 100, 200, 0.9, 0.95)
                .judge(BalanceReport.of(crowded, V4));
        assertEquals(BalanceThresholds.Status.WARN, verdict.status());
        assertTrue(verdict.reasons().get(0).startsWith("normalized_entropy"), verdict.reasons().toString());
        // mean leaf 24/5 = 4.8, max 20: ratio 4.17 > 3 alerts
        BalanceThresholds.Verdict alert = new BalanceThresholds(0.1, 0.05, 2, 3, 0.9, 0.95)
                .judge(BalanceReport.of(crowded, V4));
        assertEquals(BalanceThresholds.Status.ALERT, alert.status());
        assertEquals("max_leaf/mean_leaf 4.17 > 3.00", alert.reasons().get(0));
    }

    @Test
    void alertBoundsMustBeStricterThanWarnBounds() {
        assertThrows(IllegalArgumentException.class, () -> new BalanceThresholds(0.5, 0.8, 8, 32, 0.5, 0.7));
        assertThrows(IllegalArgumentException.class, () -> new BalanceThresholds(0.8, 0.6, 8, 4, 0.5, 0.7));
    }
}
