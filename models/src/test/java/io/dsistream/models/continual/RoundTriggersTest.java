package io.dsistream.models.continual;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Count, interval and balance triggers; one round at a time, with triggers during a round remembered once. */
class RoundTriggersTest {

    @Test
    void countTriggerFiresAtTheThresholdAndRestartsWithTheRound() {
        RoundTriggers triggers = new RoundTriggers(10, 0, false, 0);
        triggers.documentsAdded(9);
        assertFalse(triggers.due(1, false).isPresent());
        triggers.documentsAdded(1);
        assertTrue(triggers.due(2, false).orElseThrow().contains("10 new documents"));
        triggers.roundStarted(3);
        assertFalse(triggers.due(4, false).isPresent());
    }

    @Test
    void aTriggerDuringARoundIsRememberedAndStartsOneRoundAfterIt() {
        RoundTriggers triggers = new RoundTriggers(10, 0, false, 0);
        triggers.documentsAdded(10);
        triggers.roundStarted(1);
        triggers.documentsAdded(35); // three thresholds' worth while the round runs
        assertFalse(triggers.due(2, true).isPresent(), "no second round while one runs");
        assertTrue(triggers.due(3, false).isPresent(), "remembered: due once the round ended");
        triggers.roundStarted(4);
        assertFalse(triggers.due(5, false).isPresent(), "one round for all of them, not one per threshold");
    }

    @Test
    void intervalAndBalanceTriggersNeedSomethingNew() {
        RoundTriggers triggers = new RoundTriggers(0, 1000, true, 0);
        triggers.balanceAlert();
        assertFalse(triggers.due(5000, false).isPresent(), "nothing new: no round on time or on the alert");
        triggers.feedbackAdded(1);
        assertEquals("balance alert", triggers.due(10, false).orElseThrow());
        triggers.roundStarted(10);
        triggers.documentsAdded(1);
        assertFalse(triggers.due(900, false).isPresent());
        assertTrue(triggers.due(1010, false).orElseThrow().contains("since the last round"));
    }

    @Test
    void balanceTriggerCanBeTurnedOffAndStateRoundTrips() {
        RoundTriggers off = new RoundTriggers(0, 0, false, 0);
        off.documentsAdded(5);
        off.balanceAlert();
        assertFalse(off.due(1, false).isPresent());
        RoundTriggers on = new RoundTriggers(100, 0, true, 7);
        on.documentsAdded(60);
        on.balanceAlert();
        RoundTriggers restored = new RoundTriggers(100, 0, true, 0);
        restored.restore(on.snapshot());
        assertEquals(60, restored.documentsSinceRound());
        assertEquals("balance alert", restored.due(8, false).orElseThrow());
    }
}
