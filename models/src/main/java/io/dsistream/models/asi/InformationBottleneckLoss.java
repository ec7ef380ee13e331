package io.dsistream.models.asi;

import ai.djl.ndarray.NDArray;

/**
 * ASI++ eq. 7–9: the information-consistency loss {@code L_ib = β · E_d KL[p(e_d | d) || q(e_d)]}, the variational
 * upper bound on {@code I(x, e_d)} of the information bottleneck.
 *
 * <p>How the paper's terms are made concrete, and why: the encoder is deterministic, so {@code p(e_d | d)} is a
 * point mass and its KL to any density is undefined; the paper instead estimates a Gaussian "with a batch of
 * Monte-Carlo samples". This fits a diagonal Gaussian {@code N(μ, diag σ²)} to the batch of document embeddings
 * (the aggregate posterior, moments per dimension) and takes its closed-form KL to the isotropic prior
 * {@code N(0, I / H)}: the per-dimension variance an L2-normalised vector spread evenly over the sphere has
 * (a standard-normal prior would ask a unit vector for variance 1 in every dimension, which it cannot have).
 * The loss is smallest for centred, isotropic embeddings, i.e. a dense space used evenly, and is differentiable
 * through μ and σ². {@code KL = ½ Σ_j [(σ_j² + μ_j²) / s² − 1 − log(σ_j² / s²)]}, {@code s² = 1/H}.
 */
public final class InformationBottleneckLoss {

    /** ASI++ table 4: β = 0.01. */
    public static final float DEFAULT_BETA = 0.01f;
    private static final float VARIANCE_FLOOR = 1e-8f;

    private final float beta;

    public InformationBottleneckLoss(float beta) {
        if (!(beta >= 0f)) {
            throw new IllegalArgumentException("beta must not be negative, got " + beta);
        }
        this.beta = beta;
    }

    public InformationBottleneckLoss() {
        this(DEFAULT_BETA);
    }

    /**
     * @param documentEmbeddings {@code (B, H)} with B ≥ 2
     * @return a scalar, β times the KL divergence
     */
    public NDArray compute(NDArray documentEmbeddings) {
        if (documentEmbeddings.getShape().dimension() != 2 || documentEmbeddings.getShape().get(0) < 2) {
            throw new IllegalArgumentException("document embeddings must be (B, H) with B >= 2, got "
                    + documentEmbeddings.getShape());
        }
        NDArray priorVariance = ScopedScalar.of(documentEmbeddings, 1f / documentEmbeddings.getShape().get(1));
        NDArray mean = documentEmbeddings.mean(new int[] {0});                                     // (H)
        NDArray variance = documentEmbeddings.sub(mean).square().mean(new int[] {0})
                .maximum(ScopedScalar.of(documentEmbeddings, VARIANCE_FLOOR));                                                           // (H)
        NDArray perDimension = variance.add(mean.square()).div(priorVariance).sub(ScopedScalar.of(documentEmbeddings, 1f))
                .sub(variance.div(priorVariance).log());
        return perDimension.sum().mul(ScopedScalar.of(documentEmbeddings, 0.5f * beta));
    }
}
