package io.dsistream.models.asi;

/**
 * The scaling coefficient λ of ASI++'s balancing terms over training steps (appendix B.2): raised linearly from a
 * small initial value to its final value during the first epoch, then constant. The paper reports that this
 * lets the ID space settle before the balancing criteria act with full weight, which keeps it out of poor local
 * optima.
 *
 * @param stepsPerEpoch optimizer steps in one epoch; λ reaches {@code end} at this step
 * @param start λ at step 0 (ASI++: 0.01)
 * @param end λ from the end of the first epoch on (ASI++: 0.25)
 */
public record LambdaSchedule(long stepsPerEpoch, float start, float end) {

    public static final float DEFAULT_START = 0.01f;
    public static final float DEFAULT_END = 0.25f;

    public LambdaSchedule {
        if (stepsPerEpoch < 1) {
            throw new IllegalArgumentException("stepsPerEpoch must be at least 1, got " + stepsPerEpoch);
        }
        if (!(start >= 0f) || !(end >= 0f)) {
            throw new IllegalArgumentException("λ must not be negative, got start " + start + ", end " + end);
        }
    }

    /** ASI++'s schedule: 0.01 to 0.25 over the first epoch. */
    public LambdaSchedule(long stepsPerEpoch) {
        this(stepsPerEpoch, DEFAULT_START, DEFAULT_END);
    }

    /** A constant λ. */
    public static LambdaSchedule constant(float lambda) {
        return new LambdaSchedule(1, lambda, lambda);
    }

    /** λ at optimizer step {@code step} (0-based). */
    public float lambda(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must not be negative, got " + step);
        }
        double progress = Math.min(1.0, (double) step / stepsPerEpoch);
        return (float) (start + (end - start) * progress);
    }
}
