package io.dsistream.models.asi;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which terms of the ASI++ objective are on, and their hyper-parameters (defaults from ASI++ table 4).
 *
 * @param enabled the terms that enter the total; the others are neither computed nor added
 * @param margin α of L_c
 * @param gamma γ of L_bot's density term
 * @param beta β of L_ib
 * @param temperature τ dividing L_bot's InfoNCE logits; 1 is eq. 6 as written
 */
public record LossWeights(Set<AsiTerm> enabled, float margin, float gamma, float beta, float temperature) {

    public LossWeights {
        enabled = Collections.unmodifiableSet(enabled.isEmpty() ? EnumSet.noneOf(AsiTerm.class) : EnumSet.copyOf(enabled));
        // validated where they are used, with the same messages
        new DiscreteContrastiveLoss(margin);
        new RepresentationBottleneckLoss(gamma, temperature);
        new InformationBottleneckLoss(beta);
    }

    /** Every term on; α = 3, γ = 0.05, β = 0.01, τ = 1. */
    public static LossWeights defaults() {
        return new LossWeights(EnumSet.allOf(AsiTerm.class), DiscreteContrastiveLoss.DEFAULT_MARGIN,
                RepresentationBottleneckLoss.DEFAULT_GAMMA, InformationBottleneckLoss.DEFAULT_BETA, 1f);
    }

    /** The same weights with {@code terms} switched off (an ablation). */
    public LossWeights without(AsiTerm... terms) {
        EnumSet<AsiTerm> kept = enabled.isEmpty() ? EnumSet.noneOf(AsiTerm.class) : EnumSet.copyOf(enabled);
        for (AsiTerm term : terms) {
            kept.remove(term);
        }
        return new LossWeights(kept, margin, gamma, beta, temperature);
    }

    public boolean isEnabled(AsiTerm term) {
        return enabled.contains(term);
    }

    public LossWeights withMargin(float newMargin) {
        return new LossWeights(enabled, newMargin, gamma, beta, temperature);
    }

    public LossWeights withGamma(float newGamma) {
        return new LossWeights(enabled, margin, newGamma, beta, temperature);
    }

    public LossWeights withBeta(float newBeta) {
        return new LossWeights(enabled, margin, gamma, newBeta, temperature);
    }

    public LossWeights withTemperature(float newTemperature) {
        return new LossWeights(enabled, margin, gamma, beta, newTemperature);
    }
}
