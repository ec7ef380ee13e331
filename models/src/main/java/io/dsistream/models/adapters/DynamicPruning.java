package io.dsistream.models.adapters;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Dynamic unstructured pruning of trainable weights (DSI + PEFT report, "dynamic pruning"): a 0/1 mask per
 * weight tensor, refreshed every {@code frequency} steps from importance recomputed on the current weights (and
 * gradients), with the sparsity following the cubic schedule of Zhu and Gupta (2017, eq. 1):
 * {@code s_t = s_f + (s_0 − s_f)(1 − (t − t_0)/(t_end − t_0))³}, s_0 = 0, reaching {@code targetSparsity} at
 * {@code endStep}. Each tensor is pruned to the same sparsity (layer-wise), so no tensor is emptied. Pruned
 * weights are put back to zero after every optimizer step; a refresh may revive a weight whose importance grew.
 *
 * <p>Use: {@link #afterBackward(int)} once the gradients exist, {@link #afterUpdate()} after the optimizer step.
 */
public final class DynamicPruning {

    private final List<Parameter> parameters;
    private final float targetSparsity;
    private final int startStep;
    private final int endStep;
    private final int frequency;
    private final PruningImportance importance;
    private final List<NDArray> masks = new ArrayList<>();

    /**
     * @throws IllegalArgumentException if the sparsity is outside [0, 1) or the schedule is empty
     */
    public DynamicPruning(List<Parameter> parameters, float targetSparsity, int startStep, int endStep, int frequency,
                          PruningImportance importance) {
        if (targetSparsity < 0 || targetSparsity >= 1) {
            throw new IllegalArgumentException("targetSparsity must be in [0, 1), got " + targetSparsity);
        }
        if (startStep < 0 || endStep <= startStep || frequency < 1) {
            throw new IllegalArgumentException("need 0 <= startStep < endStep and frequency >= 1, got start "
                    + startStep + ", end " + endStep + ", frequency " + frequency);
        }
        this.parameters = List.copyOf(parameters);
        this.targetSparsity = targetSparsity;
        this.startStep = startStep;
        this.endStep = endStep;
        this.frequency = frequency;
        this.importance = importance;
        for (int i = 0; i < this.parameters.size(); i++) {
            masks.add(null);
        }
    }

    /** The scheduled sparsity at {@code step}. */
    public float sparsityAt(int step) {
        if (step < startStep) {
            return 0f;
        }
        if (step >= endStep) {
            return targetSparsity;
        }
        double progress = (double) (step - startStep) / (endStep - startStep);
        return (float) (targetSparsity * (1 - Math.pow(1 - progress, 3)));
    }

    /** Refreshes the masks when {@code step} is a pruning step (gradients must be present for |w·grad|). */
    public boolean afterBackward(int step) {
        boolean due = step >= startStep && step <= endStep && ((step - startStep) % frequency == 0 || step == endStep);
        if (!due) {
            return false;
        }
        float sparsity = sparsityAt(step);
        for (int i = 0; i < parameters.size(); i++) {
            NDArray array = parameters.get(i).getArray();
            float[] scores = array.toFloatArray();
            if (importance == PruningImportance.MAGNITUDE_TIMES_GRADIENT) {
                try (NDArray gradient = array.getGradient()) {
                    float[] g = gradient.toFloatArray();
                    for (int j = 0; j < scores.length; j++) {
                        scores[j] *= g[j];
                    }
                }
            }
            for (int j = 0; j < scores.length; j++) {
                scores[j] = Math.abs(scores[j]);
            }
            float[] mask = maskKeepingLargest(scores, Math.round(sparsity * scores.length));
            NDArray old = masks.get(i);
            masks.set(i, array.getManager().create(mask, new Shape(array.getShape().getShape())));
            if (old != null) {
                old.close();
            }
        }
        return true;
    }

    /** 1 for all but the {@code pruned} lowest scores (ties: the earlier index is pruned first). */
    static float[] maskKeepingLargest(float[] scores, int pruned) {
        float[] mask = new float[scores.length];
        Arrays.fill(mask, 1f);
        if (pruned <= 0) {
            return mask;
        }
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> scores[a] != scores[b] ? Float.compare(scores[a], scores[b]) : Integer.compare(a, b));
        for (int i = 0; i < Math.min(pruned, order.length); i++) {
            mask[order[i]] = 0f;
        }
        return mask;
    }

    /** Zeroes the pruned weights (after each optimizer step, which may have moved them). */
    public void afterUpdate() {
        for (int i = 0; i < parameters.size(); i++) {
            NDArray mask = masks.get(i);
            if (mask != null) {
                parameters.get(i).getArray().muli(mask);
            }
        }
    }

    /** Share of exactly-zero entries over all pruned tensors now: the sparsity reached. */
    public double measuredSparsity() {
        long zeros = 0;
        long total = 0;
        for (Parameter parameter : parameters) {
            float[] values = parameter.getArray().toFloatArray();
            for (float value : values) {
                if (value == 0f) {
                    zeros++;
                }
            }
            total += values.length;
        }
        return total == 0 ? 0 : (double) zeros / total;
    }

    public float targetSparsity() {
        return targetSparsity;
    }

    public PruningImportance importance() {
        return importance;
    }
}
