package io.dsistream.models.adapters;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * AdaLoRA's rank allocator (Zhang et al. 2023, section 3.2-3.3). After every backward pass it updates, for every
 * entry w of P, λ and Q, the sensitivity {@code I = |w · ∂L/∂w|} (eq. 6), its smoothed value
 * {@code Ī ← β1 Ī + (1 − β1) I} (eq. 7), the uncertainty {@code Ū ← β2 Ū + (1 − β2) |I − Ī|} (eq. 8) and the
 * score {@code s = Ī · Ū} (eq. 9). A triplet i of a matrix scores
 * {@code S_i = s(λ_i) + mean_j s(P_ji) + mean_j s(Q_ij)} (eq. 10).
 *
 * <p>The total budget b(t) (triplets over all adapted matrices) is init_r per matrix until {@code tInit}, then
 * falls cubically to target_r per matrix at {@code tFinal} (eq. 12) and stays there. Every ΔT steps in between,
 * and at {@code tFinal}, the b(t) triplets with the highest scores over the whole model stay and the others are
 * masked, so ranks end up unequal between matrices: where the model needs them.
 */
public final class AdaLoraBudget {

    private final List<AdaLoraLinear> adapters;
    private final AdapterOptions options;
    private final List<float[][]> smoothed = new ArrayList<>();     // per adapter: Ī of P, λ, Q
    private final List<float[][]> uncertainty = new ArrayList<>();  // per adapter: Ū of P, λ, Q
    private boolean finalMaskSet;

    public AdaLoraBudget(List<AdaLoraLinear> adapters, AdapterOptions options) {
        if (adapters.isEmpty()) {
            throw new IllegalArgumentException("AdaLoRA budget over no adapters");
        }
        this.adapters = List.copyOf(adapters);
        this.options = options;
        for (AdaLoraLinear adapter : adapters) {
            int r = options.initRank();
            long pSize = (long) adapter.outputSize() * r;
            long qSize = (long) adapter.inputSize() * r;
            smoothed.add(new float[][] {new float[(int) pSize], new float[r], new float[(int) qSize]});
            uncertainty.add(new float[][] {new float[(int) pSize], new float[r], new float[(int) qSize]});
        }
    }

    /** AdaLoRA eq. 12: total triplets allowed at {@code step}. */
    public int budgetAt(int step) {
        int matrices = adapters.size();
        int initial = options.initRank() * matrices;
        int target = options.targetRank() * matrices;
        if (step < options.tInit()) {
            return initial;
        }
        if (step >= options.tFinal()) {
            return target;
        }
        double progress = (double) (step - options.tInit()) / (options.tFinal() - options.tInit());
        double remaining = Math.pow(1 - progress, 3);
        return (int) Math.round(target + (initial - target) * remaining);
    }

    /**
     * Call after the backward pass of {@code step} (0-based), before the optimizer step: updates the importance
     * scores from the gradients and, when the schedule says so, re-masks the triplets. Returns whether it masked.
     */
    public boolean afterBackward(int step) {
        if (finalMaskSet) {
            return false; // AdaLoRA fixes the allocation once the target budget is reached
        }
        for (int a = 0; a < adapters.size(); a++) {
            AdaLoraLinear adapter = adapters.get(a);
            Parameter[] parts = {adapter.p(), adapter.lambda(), adapter.q()};
            for (int part = 0; part < parts.length; part++) {
                updateImportance(parts[part], smoothed.get(a)[part], uncertainty.get(a)[part]);
            }
        }
        boolean due = step >= options.tFinal()
                || (step >= options.tInit() && (step - options.tInit()) % options.deltaT() == 0);
        if (!due) {
            return false;
        }
        mask(budgetAt(step));
        finalMaskSet = step >= options.tFinal();
        return true;
    }

    private void updateImportance(Parameter parameter, float[] mean, float[] spread) {
        NDArray array = parameter.getArray();
        float[] weights = array.toFloatArray();
        float[] gradients;
        try (NDArray gradient = array.getGradient()) {
            gradients = gradient.toFloatArray();
        }
        float beta1 = options.beta1();
        float beta2 = options.beta2();
        for (int i = 0; i < weights.length; i++) {
            float sensitivity = Math.abs(weights[i] * gradients[i]);                   // eq. 6
            mean[i] = beta1 * mean[i] + (1 - beta1) * sensitivity;                     // eq. 7
            spread[i] = beta2 * spread[i] + (1 - beta2) * Math.abs(sensitivity - mean[i]); // eq. 8
        }
    }

    /** Eq. 10 for every triplet of adapter {@code a}. */
    double[] tripletScores(int a) {
        AdaLoraLinear adapter = adapters.get(a);
        int r = options.initRank();
        int out = adapter.outputSize();
        int in = adapter.inputSize();
        float[][] m = smoothed.get(a);
        float[][] u = uncertainty.get(a);
        double[] scores = new double[r];
        for (int i = 0; i < r; i++) {
            double p = 0;
            for (int row = 0; row < out; row++) {   // P (out, r): column i
                int k = row * r + i;
                p += m[0][k] * u[0][k];
            }
            double q = 0;
            for (int col = 0; col < in; col++) {    // Q (r, in): row i
                int k = i * in + col;
                q += m[2][k] * u[2][k];
            }
            scores[i] = m[1][i] * u[1][i] + p / out + q / in;
        }
        return scores;
    }

    /** Keeps the {@code budget} highest-scoring triplets over all matrices, masks the rest. */
    private void mask(int budget) {
        int r = options.initRank();
        int total = r * adapters.size();
        double[] all = new double[total];
        for (int a = 0; a < adapters.size(); a++) {
            System.arraycopy(tripletScores(a), 0, all, a * r, r);
        }
        Integer[] order = new Integer[total];
        for (int i = 0; i < total; i++) {
            order[i] = i;
        }
        // Highest score first; ties by position so the allocation is deterministic.
        Arrays.sort(order, (x, y) -> all[x] != all[y] ? Double.compare(all[y], all[x]) : Integer.compare(x, y));
        boolean[] keep = new boolean[total];
        for (int i = 0; i < Math.min(budget, total); i++) {
            keep[order[i]] = true;
        }
        for (int a = 0; a < adapters.size(); a++) {
            adapters.get(a).setMask(Arrays.copyOfRange(keep, a * r, (a + 1) * r));
        }
    }

    /** Active triplets over all matrices. */
    public int totalActiveRank() {
        int total = 0;
        for (AdaLoraLinear adapter : adapters) {
            total += adapter.activeRank();
        }
        return total;
    }

    /** Mean active rank per adapted matrix. */
    public double meanActiveRank() {
        return (double) totalActiveRank() / adapters.size();
    }

    /** Whether the final (target) allocation is in place. */
    public boolean finished() {
        return finalMaskSet;
    }

    public int matrices() {
        return adapters.size();
    }
}
