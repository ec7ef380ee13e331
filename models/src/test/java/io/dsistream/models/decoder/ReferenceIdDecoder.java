package io.dsistream.models.decoder;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.util.HashMap;
import java.util.Map;

/**
 * A plain-Java, double-precision re-implementation of {@link IdDecoder}'s forward pass from the paper equations
 * (pre-LN decoder layers, scaled dot-product attention, erf GELU, tied output), reading the decoder's parameters
 * by name. Written loop by loop so that a mistake in the DJL version (a transposed weight, a mask on the wrong
 * axis, a missing scale) shows as a mismatch.
 */
final class ReferenceIdDecoder {

    private static final double LAYER_NORM_EPSILON = 1e-5;

    private final DecoderOptions options;
    private final Map<String, float[]> parameters = new HashMap<>();

    ReferenceIdDecoder(IdDecoder decoder) {
        options = decoder.options();
        for (Pair<String, Parameter> parameter : decoder.getParameters()) {
            // DJL prefixes child names with their index ("03layer0_02selfAttention_01query_weight")
            String name = parameter.getKey().replaceAll("(^|_)\\d\\d", "$1");
            parameters.put(name, parameter.getValue().getArray().toFloatArray());
        }
    }

    /** Logits {@code (T, V)} of one row: memory {@code (S, H)}, mask {@code (S)}, tokens {@code (T)}. */
    double[][] logits(float[][] memory, float[] mask, long[] tokens) {
        int width = options.width();
        double[][] states = new double[memory.length][];
        for (int s = 0; s < memory.length; s++) {
            double[] row = toDouble(memory[s]);
            states[s] = options.memoryWidth() == width ? row : linear(row, "memoryProjection", width);
        }
        double[][] x = new double[tokens.length][width];
        float[] tokenTable = parameter("embedding_tokenTable");
        float[] positionTable = parameter("embedding_positionTable");
        for (int t = 0; t < tokens.length; t++) {
            for (int i = 0; i < width; i++) {
                x[t][i] = tokenTable[(int) tokens[t] * width + i] + positionTable[t * width + i];
            }
        }
        for (int layer = 0; layer < options.layers(); layer++) {
            String prefix = "layer" + layer + "_";
            double[][] h = layerNorm(x, prefix + "selfAttentionNorm");
            add(x, attention(h, h, (i, j) -> j <= i, prefix + "selfAttention"));
            h = layerNorm(x, prefix + "crossAttentionNorm");
            add(x, attention(h, states, (i, j) -> mask[j] != 0f, prefix + "crossAttention"));
            h = layerNorm(x, prefix + "feedForwardNorm");
            double[][] ffn = new double[h.length][];
            for (int t = 0; t < h.length; t++) {
                double[] inner = linear(h[t], prefix + "feedForward_expand", options.ffnWidth());
                for (int i = 0; i < inner.length; i++) {
                    inner[i] = 0.5 * inner[i] * (1 + erf(inner[i] / Math.sqrt(2)));
                }
                ffn[t] = linear(inner, prefix + "feedForward_contract", width);
            }
            add(x, ffn);
        }
        x = layerNorm(x, "finalNorm");
        int vocabularySize = options.vocabulary().size();
        float[] bias = parameter("outputBias");
        double[][] logits = new double[x.length][vocabularySize];
        for (int t = 0; t < x.length; t++) {
            for (int v = 0; v < vocabularySize; v++) {
                double sum = bias[v];
                for (int i = 0; i < width; i++) {
                    sum += tokenTable[v * width + i] * x[t][i];
                }
                logits[t][v] = sum;
            }
        }
        return logits;
    }

    private interface Allowed {
        boolean test(int target, int source);
    }

    private double[][] attention(double[][] target, double[][] source, Allowed allowed, String name) {
        int width = options.width();
        int heads = options.heads();
        int headWidth = width / heads;
        double[][] q = new double[target.length][];
        double[][] k = new double[source.length][];
        double[][] v = new double[source.length][];
        for (int t = 0; t < target.length; t++) {
            q[t] = linear(target[t], name + "_query", width);
        }
        for (int s = 0; s < source.length; s++) {
            k[s] = linear(source[s], name + "_key", width);
            v[s] = linear(source[s], name + "_value", width);
        }
        double[][] out = new double[target.length][];
        for (int t = 0; t < target.length; t++) {
            double[] context = new double[width];
            for (int head = 0; head < heads; head++) {
                int from = head * headWidth;
                double[] scores = new double[source.length];
                double max = Double.NEGATIVE_INFINITY;
                for (int s = 0; s < source.length; s++) {
                    if (!allowed.test(t, s)) {
                        scores[s] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double dot = 0;
                    for (int i = from; i < from + headWidth; i++) {
                        dot += q[t][i] * k[s][i];
                    }
                    scores[s] = dot / Math.sqrt(headWidth);
                    max = Math.max(max, scores[s]);
                }
                double total = 0;
                for (int s = 0; s < source.length; s++) {
                    scores[s] = Math.exp(scores[s] - max);
                    total += scores[s];
                }
                for (int s = 0; s < source.length; s++) {
                    for (int i = from; i < from + headWidth; i++) {
                        context[i] += scores[s] / total * v[s][i];
                    }
                }
            }
            out[t] = linear(context, name + "_output", width);
        }
        return out;
    }

    private double[][] layerNorm(double[][] x, String name) {
        float[] gamma = parameter(name + "_gamma");
        float[] beta = parameter(name + "_beta");
        double[][] out = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double mean = 0;
            for (double value : x[t]) {
                mean += value;
            }
            mean /= x[t].length;
            double variance = 0;
            for (double value : x[t]) {
                variance += (value - mean) * (value - mean);
            }
            variance /= x[t].length; // biased, as LayerNorm defines it
            out[t] = new double[x[t].length];
            for (int i = 0; i < x[t].length; i++) {
                out[t][i] = (x[t][i] - mean) / Math.sqrt(variance + LAYER_NORM_EPSILON) * gamma[i] + beta[i];
            }
        }
        return out;
    }

    /** y = W x + b with W stored (out, in), as DJL's Linear does. */
    private double[] linear(double[] x, String name, int outputs) {
        float[] weight = parameter(name + "_weight");
        float[] bias = parameter(name + "_bias");
        double[] y = new double[outputs];
        for (int o = 0; o < outputs; o++) {
            double sum = bias[o];
            for (int i = 0; i < x.length; i++) {
                sum += weight[o * x.length + i] * x[i];
            }
            y[o] = sum;
        }
        return y;
    }

    private float[] parameter(String name) {
        float[] values = parameters.get(name);
        if (values == null) {
            throw new IllegalArgumentException("no parameter " + name + " in " + parameters.keySet());
        }
        return values;
    }

    private static void add(double[][] x, double[][] residual) {
        for (int t = 0; t < x.length; t++) {
            for (int i = 0; i < x[t].length; i++) {
                x[t][i] += residual[t][i];
            }
        }
    }

    private static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    /** Abramowitz &amp; Stegun 7.1.26, absolute error below 1.5e-7: far under the test tolerance. */
    private static double erf(double x) {
        double sign = Math.signum(x);
        double a = Math.abs(x);
        double t = 1 / (1 + 0.3275911 * a);
        double polynomial = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741
                + t * (-1.453152027 + t * 1.061405429))));
        return sign * (1 - polynomial * Math.exp(-a * a));
    }
}
