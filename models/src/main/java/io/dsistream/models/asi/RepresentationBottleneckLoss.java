package io.dsistream.models.asi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * ASI++ eq. 6: the representation bottleneck loss L_bot on the dense embeddings, an InfoNCE term with in-batch
 * negatives plus γ times the density term {@code E[1 / D(e_d, e_d')] + E[1 / D(e_q, e_q')]} over in-batch
 * neighbours (D the squared Euclidean distance, unnormalised because the embeddings are L2-normalised, footnote 4).
 *
 * <p>Choices where eq. 6 is loose: the InfoNCE denominator includes the positive (van den Oord et al., whom the
 * paper cites; eq. 6 writes only negatives, which makes the loss unbounded below); logits are divided by a
 * temperature, 1 by default as in eq. 6; and the density uses {@code 1 / (D + δ)} with δ = 0.01 so that two
 * identical texts in a batch give a large but finite loss and gradient.
 */
public final class RepresentationBottleneckLoss {

    /** ASI++ table 4: γ = 0.05. */
    public static final float DEFAULT_GAMMA = 0.05f;
    /** Added to each distance before it is inverted. */
    public static final float DISTANCE_FLOOR = 0.01f;

    private final float gamma;
    private final float temperature;

    public RepresentationBottleneckLoss(float gamma, float temperature) {
        if (!(gamma >= 0f)) {
            throw new IllegalArgumentException("gamma must not be negative, got " + gamma);
        }
        if (!(temperature > 0f)) {
            throw new IllegalArgumentException("temperature must be positive, got " + temperature);
        }
        this.gamma = gamma;
        this.temperature = temperature;
    }

    public RepresentationBottleneckLoss() {
        this(DEFAULT_GAMMA, 1f);
    }

    /**
     * @param queryEmbeddings {@code (B, H)}; row b is the query of pair b
     * @param documentEmbeddings {@code (B, H)}; row b is its positive document
     * @return a scalar: InfoNCE + γ (density of documents + density of queries)
     */
    public NDArray compute(NDArray queryEmbeddings, NDArray documentEmbeddings) {
        return infoNce(queryEmbeddings, documentEmbeddings)
                .add(inverseDistance(documentEmbeddings).add(inverseDistance(queryEmbeddings))
                        .mul(ScopedScalar.of(queryEmbeddings, gamma)));
    }

    /** First term of eq. 6: {@code −E_q log softmax_j(e_q · e_d_j / τ)[positive]}, a scalar. */
    public NDArray infoNce(NDArray queryEmbeddings, NDArray documentEmbeddings) {
        requirePairs(queryEmbeddings, documentEmbeddings);
        long batch = queryEmbeddings.getShape().get(0);
        NDManager scope = queryEmbeddings.getManager();
        NDArray logits = queryEmbeddings.matMul(documentEmbeddings.transpose()).div(ScopedScalar.of(queryEmbeddings, temperature));  // (B, B)
        return logits.logSoftmax(1).mul(scope.eye((int) batch)).sum().div(ScopedScalar.of(logits, -(float) batch));
    }

    /** Density of eq. 6 for one set: mean of {@code 1 / (D(e_b, e_b') + δ)} over ordered pairs b ≠ b', a scalar. */
    public NDArray inverseDistance(NDArray embeddings) {
        long batch = embeddings.getShape().get(0);
        if (embeddings.getShape().dimension() != 2 || batch < 2) {
            throw new IllegalArgumentException("embeddings must be (B, H) with B >= 2, got " + embeddings.getShape());
        }
        NDManager scope = embeddings.getManager();
        NDArray offDiagonal = scope.ones(new Shape(batch, batch)).sub(scope.eye((int) batch));
        return SquaredDistance.pairwise(embeddings, embeddings).add(ScopedScalar.of(embeddings, DISTANCE_FLOOR))
                .pow(ScopedScalar.of(embeddings, -1f))
                .mul(offDiagonal).sum().div(ScopedScalar.of(embeddings, (float) (batch * (batch - 1))));
    }

    private static void requirePairs(NDArray queryEmbeddings, NDArray documentEmbeddings) {
        if (queryEmbeddings.getShape().dimension() != 2
                || !queryEmbeddings.getShape().equals(documentEmbeddings.getShape())) {
            throw new IllegalArgumentException("query and document embeddings must both be (B, H), got "
                    + queryEmbeddings.getShape() + " and " + documentEmbeddings.getShape());
        }
    }
}
