package io.dsistream.models.asi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Map;

/**
 * Residual quantization as ASI++'s differentiable indexing module (appendix B.1): L codebooks of V codewords
 * {@code (V, H)}; position i quantises what positions before it left unexplained. Code probabilities are the
 * Sinkhorn assignment of the negative squared distances to each codebook (balanced over the batch while
 * training); the quantised vector is the sum of the chosen codewords and its squared error to the embedding is
 * the quantisation loss.
 *
 * <p>ASI++ writes the residual as {@code r¹ = e¹ − e}; the sign is immaterial for the loss but not for the next
 * lookup, so this follows the usual RQ definition {@code r¹ = e − e¹} (Lee et al. 2022; Rajput et al. 2023), for
 * which the next codebook is meant.
 */
public final class ResidualQuantizer extends AbstractQuantizer {

    static final String CODEBOOKS = "codebooks";

    ResidualQuantizer(NDManager manager, QuantizerOptions options, Map<String, float[]> values) {
        super(manager, requireKind(options), parameterShapes(options), values);
    }

    /**
     * Codebooks initialised by k-means over the document embeddings, then over successive residuals: codebook i
     * clusters what codebooks 0..i−1 leave of each document. A sample of 10k–50k documents is enough for a
     * large corpus.
     *
     * @param documentEmbeddings {@code [N][H]} with N ≥ V
     */
    public static ResidualQuantizer fit(NDManager manager, QuantizerOptions options, float[][] documentEmbeddings) {
        requireKind(options);
        requireEmbeddings(options, documentEmbeddings);
        int l = options.positions();
        int v = options.codesPerPosition();
        int h = options.dimension();
        float[][] residuals = new float[documentEmbeddings.length][];
        for (int n = 0; n < residuals.length; n++) {
            residuals[n] = documentEmbeddings[n].clone();
        }
        float[] codebooks = new float[l * v * h];
        for (int p = 0; p < l; p++) {
            float[][] centroids = KMeansCodebooks.centroids(residuals, v, options.kMeansIterations(),
                    options.seed() + p);
            for (int c = 0; c < v; c++) {
                System.arraycopy(centroids[c], 0, codebooks, (p * v + c) * h, h);
            }
            for (float[] residual : residuals) {
                float[] nearest = centroids[nearest(residual, centroids)];
                for (int j = 0; j < h; j++) {
                    residual[j] -= nearest[j];
                }
            }
        }
        return new ResidualQuantizer(manager, options, Map.of(CODEBOOKS, codebooks));
    }

    static Map<String, Shape> parameterShapes(QuantizerOptions o) {
        return Map.of(CODEBOOKS, new Shape(o.positions(), o.codesPerPosition(), o.dimension()));
    }

    @Override
    public QuantizerOutput forward(NDArray embeddings, boolean training) {
        requireEmbeddingShape(embeddings);
        NDManager scope = embeddings.getManager();
        NDArray codebooks = borrow(CODEBOOKS, scope);  // (L, V, H)
        int v = options().codesPerPosition();
        NDArray residual = embeddings;                 // (B, H)
        NDArray quantized = null;
        NDList scores = new NDList();
        for (int p = 0; p < options().positions(); p++) {
            NDArray codebook = codebooks.get(p);       // (V, H)
            // -||r - c||² = 2 r·c - ||r||² - ||c||², (B, V)
            NDArray score = residual.matMul(codebook.transpose()).mul(ScopedScalar.of(residual, 2f))
                    .sub(residual.square().sum(new int[] {1}, true))
                    .sub(codebook.square().sum(new int[] {1}).expandDims(0));
            scores.add(score);
            // the hard choice picks the codeword; its gradient still reaches the codebook through the product
            NDArray chosen = score.argMax(1).oneHot(v, DataType.FLOAT32).matMul(codebook);  // (B, H)
            residual = residual.sub(chosen);
            quantized = quantized == null ? chosen : quantized.add(chosen);
        }
        NDArray stacked = NDArrays.stack(scores, 0);   // (L, B, V)
        NDArray logProbabilities = (training
                ? SinkhornAssignment.logProbabilities(stacked, options().sinkhornEpsilon(), options().sinkhornIterations())
                : stacked.div(ScopedScalar.of(stacked, options().sinkhornEpsilon())).logSoftmax(-1))
                .transpose(1, 0, 2);                   // (B, L, V)
        // ASI++ appendix B.1: quantisation MSE ||e - e^q||², summed over H, averaged over the batch
        NDArray quantizationLoss = embeddings.sub(quantized).square().sum(new int[] {1}).mean();
        return new QuantizerOutput(logProbabilities.exp(), logProbabilities, quantizationLoss);
    }

    static int nearest(float[] point, float[][] centroids) {
        int best = 0;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int c = 0; c < centroids.length; c++) {
            double distance = 0;
            for (int j = 0; j < point.length; j++) {
                double d = point[j] - centroids[c][j];
                distance += d * d;
            }
            if (distance < bestDistance) {
                bestDistance = distance;
                best = c;
            }
        }
        return best;
    }

    static void requireEmbeddings(QuantizerOptions options, float[][] documentEmbeddings) {
        if (documentEmbeddings == null || documentEmbeddings.length < options.codesPerPosition()) {
            throw new IllegalArgumentException("codebook k-means needs at least codesPerPosition = "
                    + options.codesPerPosition() + " document embeddings, got "
                    + (documentEmbeddings == null ? "none" : documentEmbeddings.length));
        }
        for (int n = 0; n < documentEmbeddings.length; n++) {
            if (documentEmbeddings[n].length != options.dimension()) {
                throw new IllegalArgumentException("document embedding " + n + " has "
                        + documentEmbeddings[n].length + " dimensions, expected " + options.dimension());
            }
        }
    }

    private static QuantizerOptions requireKind(QuantizerOptions options) {
        if (options.kind() != QuantizerKind.RESIDUAL) {
            throw new IllegalArgumentException("options.kind must be RESIDUAL for a ResidualQuantizer, got "
                    + options.kind());
        }
        return options;
    }
}
