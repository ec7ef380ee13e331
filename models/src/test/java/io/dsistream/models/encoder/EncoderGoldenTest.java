package io.dsistream.models.encoder;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The DJL encoder against ONNX Runtime running the very ONNX file its weights come from: same tokens in, the same
 * sentence vectors out (cosine ≥ 0.9999) and the same token states (within 1e-4; measured 5e-6).
 */
class EncoderGoldenTest {

    /**
     * Short, long (> 256 word pieces, so truncation matters), punctuation, numbers, casing, accents, empty. With
     * the long text the batch is (8, 256), so attention runs in chunks of sequences (see BertSelfAttention).
     */
    static final List<String> SENTENCES = List.of(
            "Aspirin lowers the risk of heart attack.",
            "What?!",
            "In 2019, 42.7% of 1,024 patients (p < 0.001) responded to 5 mg/kg of drug X-17b.",
            "ALL-CAPS TEXT, MiXeD cAsE and naïve café résumé.",
            "The quick brown fox jumps over the lazy dog; the dog, however, does not care -- at all.",
            "",
            "Microglia are the resident macrophages of the central nervous system. ".repeat(30),
            "BRCA1 mutations increase breast cancer risk\tand\nspan several lines.");

    @ParameterizedTest
    @EnumSource(EncoderSpec.class)
    void sentenceVectorsAndTokenStatesMatchOnnxRuntime(EncoderSpec spec) throws OrtException {
        // DJL's engine starts before ONNX Runtime's environment (STACK.md).
        try (TextEncoder encoder = TextEncoder.load(spec);
             OrtEnvironment environment = OrtEnvironment.getEnvironment();
             OrtSession session = environment.createSession(spec.onnx().readVerified(),
                     new OrtSession.SessionOptions());
             NDManager manager = NDManager.newBaseManager(encoder.device())) {
            long[] longest = encoder.tokenizer().encode(SENTENCES.get(6));
            assertEquals(EncoderOptions.DEFAULT_MAX_LENGTH, longest.length, "the long text is truncated to 256");

            float[][] vectors = encoder.embed(SENTENCES);
            TokenStates states = encoder.encodeTokens(SENTENCES, manager);
            float[][][] hidden = toJagged(states.hidden());
            double worstCosine = 1;
            double worstDifference = 0;
            for (int s = 0; s < SENTENCES.size(); s++) {
                long[] ids = encoder.tokenizer().encode(SENTENCES.get(s));
                float[][] reference = runOnnx(environment, session, ids);
                float[] expected = normalise(spec.pooling() == Pooling.CLS ? reference[0] : mean(reference));
                double cosine = dot(expected, vectors[s]);
                assertTrue(cosine >= 0.9999, spec + " sentence " + s + ": cosine " + cosine + " < 0.9999");
                worstCosine = Math.min(worstCosine, cosine);
                for (int t = 0; t < ids.length; t++) {
                    for (int h = 0; h < encoder.dimension(); h++) {
                        worstDifference = Math.max(worstDifference, Math.abs(reference[t][h] - hidden[s][t][h]));
                    }
                }
            }
            assertTrue(worstDifference < 1e-4, spec + ": token states differ from ONNX Runtime's by up to "
                    + worstDifference);
            System.out.printf("%s vs ONNX Runtime: worst cosine %.8f, worst token-state difference %.2e%n",
                    spec, worstCosine, worstDifference);
        }
    }

    private static float[][] runOnnx(OrtEnvironment environment, OrtSession session, long[] ids)
            throws OrtException {
        long[][] inputIds = {ids};
        long[][] mask = {filled(ids.length, 1)};
        long[][] types = {filled(ids.length, 0)};
        try (OnnxTensor idTensor = OnnxTensor.createTensor(environment, inputIds);
             OnnxTensor maskTensor = OnnxTensor.createTensor(environment, mask);
             OnnxTensor typeTensor = OnnxTensor.createTensor(environment, types);
             OrtSession.Result result = session.run(Map.of("input_ids", idTensor, "attention_mask", maskTensor,
                     "token_type_ids", typeTensor), java.util.Set.of("last_hidden_state"))) {
            return ((float[][][]) result.get("last_hidden_state").orElseThrow().getValue())[0];
        }
    }

    private static float[][][] toJagged(NDArray hidden) {
        long[] shape = hidden.getShape().getShape();
        float[] flat = hidden.toFloatArray();
        float[][][] out = new float[(int) shape[0]][(int) shape[1]][(int) shape[2]];
        int i = 0;
        for (float[][] sentence : out) {
            for (float[] token : sentence) {
                System.arraycopy(flat, i, token, 0, token.length);
                i += token.length;
            }
        }
        return out;
    }

    private static long[] filled(int length, long value) {
        long[] out = new long[length];
        java.util.Arrays.fill(out, value);
        return out;
    }

    private static float[] mean(float[][] tokens) {
        float[] sum = new float[tokens[0].length];
        for (float[] token : tokens) {
            for (int h = 0; h < sum.length; h++) {
                sum[h] += token[h];
            }
        }
        for (int h = 0; h < sum.length; h++) {
            sum[h] /= tokens.length;
        }
        return sum;
    }

    static float[] normalise(float[] v) {
        double norm = Math.sqrt(dot(v, v));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }

    static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }
}
