package io.dsistream.models.asi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Map;

/**
 * Product quantization as ASI++'s differentiable indexing module, after RepCONC (appendix B.1): the embedding is
 * cut into L sub-vectors of H/L dimensions and position i is the nearest of V codewords of codebook i
 * {@code (V, H/L)}. Code probabilities are the Sinkhorn assignment of the negative squared distances (balanced
 * over the batch while training); the concatenated codewords give the quantised vector, whose squared error to
 * the embedding is the quantisation loss.
 */
public final class ProductQuantizer extends AbstractQuantizer {

    static final String CODEBOOKS = "codebooks";

    ProductQuantizer(NDManager manager, QuantizerOptions options, Map<String, float[]> values) {
        super(manager, requireKind(options), parameterShapes(options), values);
    }

    /**
     * Codebooks initialised by k-means over each sub-vector of the document embeddings.
     *
     * @param documentEmbeddings {@code [N][H]} with N ≥ V
     */
    public static ProductQuantizer fit(NDManager manager, QuantizerOptions options, float[][] documentEmbeddings) {
        requireKind(options);
        ResidualQuantizer.requireEmbeddings(options, documentEmbeddings);
        int l = options.positions();
        int v = options.codesPerPosition();
        int d = options.dimension() / l;
        float[] codebooks = new float[l * v * d];
        for (int p = 0; p < l; p++) {
            float[][] sub = new float[documentEmbeddings.length][d];
            for (int n = 0; n < sub.length; n++) {
                System.arraycopy(documentEmbeddings[n], p * d, sub[n], 0, d);
            }
            float[][] centroids = KMeansCodebooks.centroids(sub, v, options.kMeansIterations(), options.seed() + p);
            for (int c = 0; c < v; c++) {
                System.arraycopy(centroids[c], 0, codebooks, (p * v + c) * d, d);
            }
        }
        return new ProductQuantizer(manager, options, Map.of(CODEBOOKS, codebooks));
    }

    static Map<String, Shape> parameterShapes(QuantizerOptions o) {
        return Map.of(CODEBOOKS, new Shape(o.positions(), o.codesPerPosition(), o.dimension() / o.positions()));
    }

    @Override
    public QuantizerOutput forward(NDArray embeddings, boolean training) {
        long batch = requireEmbeddingShape(embeddings);
        NDManager scope = embeddings.getManager();
        int l = options().positions();
        int v = options().codesPerPosition();
        int d = options().dimension() / l;
        NDArray codebooks = borrow(CODEBOOKS, scope);                              // (L, V, d)
        NDArray parts = embeddings.reshape(batch, l, d).transpose(1, 0, 2);         // (L, B, d)
        // -||x_p - c||² = 2 x_p·c - ||x_p||² - ||c||², (L, B, V)
        NDArray scores = parts.matMul(codebooks.transpose(0, 2, 1)).mul(ScopedScalar.of(parts, 2f))
                .sub(parts.square().sum(new int[] {2}, true))
                .sub(codebooks.square().sum(new int[] {2}, true).transpose(0, 2, 1));
        NDArray chosen = scores.argMax(2).oneHot(v, DataType.FLOAT32).matMul(codebooks);  // (L, B, d)
        NDArray quantized = chosen.transpose(1, 0, 2).reshape(batch, options().dimension());
        NDArray logProbabilities = (training
                ? SinkhornAssignment.logProbabilities(scores, options().sinkhornEpsilon(), options().sinkhornIterations())
                : scores.div(ScopedScalar.of(scores, options().sinkhornEpsilon())).logSoftmax(-1))
                .transpose(1, 0, 2);                                               // (B, L, V)
        // ASI++ appendix B.1: quantisation MSE ||e - e^q||², summed over H, averaged over the batch
        NDArray quantizationLoss = embeddings.sub(quantized).square().sum(new int[] {1}).mean();
        return new QuantizerOutput(logProbabilities.exp(), logProbabilities, quantizationLoss);
    }

    private static QuantizerOptions requireKind(QuantizerOptions options) {
        if (options.kind() != QuantizerKind.PRODUCT) {
            throw new IllegalArgumentException("options.kind must be PRODUCT for a ProductQuantizer, got "
                    + options.kind());
        }
        return options;
    }
}
