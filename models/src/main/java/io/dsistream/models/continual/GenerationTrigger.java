package io.dsistream.models.continual;

import java.io.Serializable;

/**
 * When a published version should be served through a new index generation rather than a plain swap (issue 7):
 * when the round's ID drift (share of sampled documents whose ID under the new quantizer differs from the stored
 * one, {@link IdDrift}) exceeds {@code driftThreshold}, or, with {@code onBalanceAlert}, when a balance alert arrived
 * since the previous round. A drift above 1 never triggers.
 */
public record GenerationTrigger(double driftThreshold, boolean onBalanceAlert) implements Serializable {

    /** Drift past 0.2; balance alerts do not build. */
    public static final GenerationTrigger DEFAULTS = new GenerationTrigger(0.2, false);

    public GenerationTrigger {
        if (Double.isNaN(driftThreshold) || driftThreshold < 0) {
            throw new IllegalArgumentException("drift threshold must be >= 0, got " + driftThreshold);
        }
    }

    /**
     * @param drift        the round's ID drift in [0, 1]
     * @param balanceAlert whether a balance alert arrived since the previous round
     * @return why to build a generation, or null to swap the version in place
     */
    public String reason(double drift, boolean balanceAlert) {
        if (drift > driftThreshold) {
            return String.format("ID drift %.3f > %.3f", drift, driftThreshold);
        }
        if (onBalanceAlert && balanceAlert) {
            return "balance alert";
        }
        return null;
    }
}
