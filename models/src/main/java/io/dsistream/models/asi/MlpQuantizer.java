package io.dsistream.models.asi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.Dropout;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * ASI's MLP-based neural quantizer (ASI++ appendix B.1), the variant that retrieves best in ASI++ (fig. 4): a
 * separate two-layer network per position, {@code H -> hidden -> V}, GELU between the layers, dropout on the
 * hidden layer while training, a softmax over the V codes. The L networks run as one batched matrix product:
 * weights are stacked along a leading position axis.
 */
public final class MlpQuantizer extends AbstractQuantizer {

    static final String HIDDEN_WEIGHT = "hidden.weight";
    static final String HIDDEN_BIAS = "hidden.bias";
    static final String OUTPUT_WEIGHT = "output.weight";
    static final String OUTPUT_BIAS = "output.bias";

    MlpQuantizer(NDManager manager, QuantizerOptions options, Map<String, float[]> values) {
        super(manager, requireKind(options), parameterShapes(options), values);
    }

    /**
     * A quantizer with seeded random weights, drawn like PyTorch's {@code nn.Linear} default: uniform in
     * ±1/√fan_in for weights and biases.
     */
    public static MlpQuantizer create(NDManager manager, QuantizerOptions options) {
        requireKind(options);
        Random random = new Random(options.seed());
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> entry : parameterShapes(options).entrySet()) {
            boolean hidden = entry.getKey().startsWith("hidden");
            double bound = 1.0 / Math.sqrt(hidden ? options.dimension() : options.hiddenSize());
            float[] init = new float[Math.toIntExact(entry.getValue().size())];
            for (int i = 0; i < init.length; i++) {
                init[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
            }
            values.put(entry.getKey(), init);
        }
        return new MlpQuantizer(manager, options, values);
    }

    static Map<String, Shape> parameterShapes(QuantizerOptions o) {
        int l = o.positions();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        shapes.put(HIDDEN_WEIGHT, new Shape(l, o.dimension(), o.hiddenSize()));
        shapes.put(HIDDEN_BIAS, new Shape(l, 1, o.hiddenSize()));
        shapes.put(OUTPUT_WEIGHT, new Shape(l, o.hiddenSize(), o.codesPerPosition()));
        shapes.put(OUTPUT_BIAS, new Shape(l, 1, o.codesPerPosition()));
        return shapes;
    }

    @Override
    public QuantizerOutput forward(NDArray embeddings, boolean training) {
        requireEmbeddingShape(embeddings);
        NDManager scope = embeddings.getManager();
        NDArray hiddenWeight = borrow(HIDDEN_WEIGHT, scope);  // (L, H, D)
        NDArray hiddenBias = borrow(HIDDEN_BIAS, scope);      // (L, 1, D)
        NDArray outputWeight = borrow(OUTPUT_WEIGHT, scope);  // (L, D, V)
        NDArray outputBias = borrow(OUTPUT_BIAS, scope);      // (L, 1, V)

        // (1, B, H) x (L, H, D) -> (L, B, D): position p's own MLP on every row
        NDArray hidden = Activation.gelu(embeddings.expandDims(0).matMul(hiddenWeight).add(hiddenBias));
        if (training && options().dropout() > 0f) {
            hidden = Dropout.dropout(hidden, options().dropout(), true).singletonOrThrow();
        }
        // (L, B, D) x (L, D, V) -> (L, B, V) -> (B, L, V)
        NDArray logits = hidden.matMul(outputWeight).add(outputBias).transpose(1, 0, 2);
        NDArray logProbabilities = logits.logSoftmax(-1);
        NDArray noQuantizationLoss = scope.zeros(new Shape(), DataType.FLOAT32, embeddings.getDevice());
        return new QuantizerOutput(logProbabilities.exp(), logProbabilities, noQuantizationLoss);
    }

    private static QuantizerOptions requireKind(QuantizerOptions options) {
        if (options.kind() != QuantizerKind.MLP) {
            throw new IllegalArgumentException("options.kind must be MLP for an MlpQuantizer, got " + options.kind());
        }
        return options;
    }
}
