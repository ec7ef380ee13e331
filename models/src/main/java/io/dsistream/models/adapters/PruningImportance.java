package io.dsistream.models.adapters;

/** How {@link DynamicPruning} ranks weights: the smallest scores are pruned first. */
public enum PruningImportance {

    /** |w|: plain magnitude pruning (Zhu and Gupta 2017). */
    MAGNITUDE,
    /** |w · ∂L/∂w|: the first-order estimate of the loss change if w were removed (Molchanov et al. 2017). */
    MAGNITUDE_TIMES_GRADIENT
}
