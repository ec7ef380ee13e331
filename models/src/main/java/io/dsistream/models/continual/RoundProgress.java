package io.dsistream.models.continual;

/**
 * Where a running round is, reported after each optimizer step.
 *
 * @param step       steps done
 * @param totalSteps steps the round will take unless cancelled
 * @param loss       the step's total loss
 * @param seconds    wall time since the round started
 */
public record RoundProgress(long step, long totalSteps, double loss, double seconds) {

    /** Share of the round done, in [0, 1]. */
    public double fraction() {
        return totalSteps == 0 ? 1.0 : (double) step / totalSteps;
    }
}
