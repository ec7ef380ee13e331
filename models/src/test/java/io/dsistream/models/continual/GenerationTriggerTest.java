package io.dsistream.models.continual;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerationTriggerTest {

    @Test
    void driftPastTheThresholdBuildsAndABalanceAlertOnlyWhenAskedTo() {
        GenerationTrigger defaults = GenerationTrigger.DEFAULTS;
        assertNull(defaults.reason(0.2, true), "at the threshold, and alerts are off by default");
        assertEquals("ID drift 0.250 > 0.200", defaults.reason(0.25, false));
        GenerationTrigger onAlert = new GenerationTrigger(0.5, true);
        assertEquals("balance alert", onAlert.reason(0.1, true));
        assertNull(onAlert.reason(0.1, false));
        assertNull(new GenerationTrigger(1.5, false).reason(1.0, true), "above 1: never on drift");
        assertThrows(IllegalArgumentException.class, () -> new GenerationTrigger(-0.1, false));
    }

    @Test
    void aBuildIsCompleteOnceEverySubtaskReportedAndEveryReassignmentWasApplied() {
        BuildProgress build = new BuildProgress(1);
        build.applied(2);
        assertFalse(build.complete(), "nothing reported yet");
        build.reported(0, 2, 3, 7);
        build.reported(0, 2, 3, 7); // repeated: once
        assertFalse(build.complete());
        build.reported(1, 2, 0, 7);
        assertEquals(3, build.expected);
        assertFalse(build.complete(), "2 of 3 applied");
        build.applied(1);
        assertTrue(build.complete());
        assertEquals(7, build.version);
        assertThrows(IllegalArgumentException.class, () -> build.reported(0, 3, 1, 7));
    }
}
