package io.dsistream.models.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dsistream.models.encoder.Pooling;
import io.dsistream.models.encoder.TextEncoder;
import io.dsistream.models.encoder.TokenStates;
import io.dsistream.models.eval.ProgressReporter;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The frozen encoder's output for short texts, computed once: per text its real token states {@code [T_i * H]}
 * (padding dropped) and its pooled, L2-normalised vector {@code [H]}. Training epochs then run only the quantizer
 * and the decoder. Only short texts belong here (queries, crops, first 32 document tokens): memory is
 * {@code Σ T_i · H · 4} bytes.
 */
public final class EncodedTexts {

    private static final String MAGIC = "dsi-stream/encoded-texts/1";
    private static final int BATCH = 64;

    private final int dimension;
    private final float[][] states;
    private final float[][] pooled;

    private EncodedTexts(int dimension, float[][] states, float[][] pooled) {
        this.dimension = dimension;
        this.states = states;
        this.pooled = pooled;
    }

    /** Encodes {@code texts} (cut to the encoder's max length) in batches of 64. */
    public static EncodedTexts encode(TextEncoder encoder, List<String> texts, ProgressReporter progress) {
        int h = encoder.dimension();
        float[][] states = new float[texts.size()][];
        float[][] pooled = new float[texts.size()][];
        NDManager manager = encoder.manager();
        for (int start = 0; start < texts.size(); start += BATCH) {
            List<String> batch = texts.subList(start, Math.min(texts.size(), start + BATCH));
            try (NDManager scope = manager.newSubManager(); TokenStates out = encoder.encodeTokens(batch, scope)) {
                long t = out.hidden().getShape().get(1);
                float[] hidden = out.hidden().toFloatArray();                     // (B, T, H)
                long[] mask = out.attentionMask().toLongArray();                  // (B, T)
                float[] vectors = Pooling.l2Normalize(encoder.spec().pooling().pool(out.hidden(),
                        out.attentionMask())).toFloatArray();                   // (B, H)
                for (int b = 0; b < batch.size(); b++) {
                    int length = 0;
                    while (length < t && mask[(int) (b * t + length)] != 0) {
                        length++;
                    }
                    int offset = (int) (b * t * h);
                    states[start + b] = java.util.Arrays.copyOfRange(hidden, offset, offset + length * h);
                    pooled[start + b] = java.util.Arrays.copyOfRange(vectors, b * h, (b + 1) * h);
                }
            }
            progress.advance(batch.size());
        }
        progress.finish();
        return new EncodedTexts(h, states, pooled);
    }

    /** Texts encoded from given arrays (tests): {@code states[i]} is {@code [T_i * H]}, {@code pooled[i]} {@code [H]}. */
    public static EncodedTexts of(int dimension, float[][] states, float[][] pooled) {
        if (states.length != pooled.length) {
            throw new IllegalArgumentException(states.length + " state rows but " + pooled.length + " pooled rows");
        }
        for (int i = 0; i < states.length; i++) {
            if (states[i].length == 0 || states[i].length % dimension != 0 || pooled[i].length != dimension) {
                throw new IllegalArgumentException("text " + i + ": states of " + states[i].length
                        + " floats or pooled of " + pooled[i].length + " do not fit dimension " + dimension);
            }
        }
        return new EncodedTexts(dimension, states, pooled);
    }

    /** The texts of {@code first} followed by those of {@code second}. */
    public static EncodedTexts concat(EncodedTexts first, EncodedTexts second) {
        if (first.dimension != second.dimension) {
            throw new IllegalArgumentException("cannot join texts of dimension " + first.dimension + " and "
                    + second.dimension);
        }
        float[][] states = new float[first.size() + second.size()][];
        float[][] pooled = new float[states.length][];
        System.arraycopy(first.states, 0, states, 0, first.size());
        System.arraycopy(second.states, 0, states, first.size(), second.size());
        System.arraycopy(first.pooled, 0, pooled, 0, first.size());
        System.arraycopy(second.pooled, 0, pooled, first.size(), second.size());
        return new EncodedTexts(first.dimension, states, pooled);
    }

    public int size() {
        return states.length;
    }

    public int dimension() {
        return dimension;
    }

    public int length(int text) {
        return states[text].length / dimension;
    }

    public float[] pooled(int text) {
        return pooled[text];
    }

    /** Memory {@code (B, S, H)} and mask {@code (B, S)} of the given texts, padded to the longest, in {@code scope}. */
    public NDArray[] memory(NDManager scope, int[] texts) {
        int longest = 1;
        for (int text : texts) {
            longest = Math.max(longest, length(text));
        }
        float[] flat = new float[texts.length * longest * dimension];
        float[] mask = new float[texts.length * longest];
        for (int b = 0; b < texts.length; b++) {
            float[] source = states[texts[b]];
            System.arraycopy(source, 0, flat, b * longest * dimension, source.length);
            for (int s = 0; s < source.length / dimension; s++) {
                mask[b * longest + s] = 1f;
            }
        }
        return new NDArray[] {scope.create(flat, new Shape(texts.length, longest, dimension)),
                scope.create(mask, new Shape(texts.length, longest))};
    }

    /** Pooled vectors {@code (B, H)} of the given texts, in {@code scope}. */
    public NDArray pooled(NDManager scope, int[] texts) {
        float[] flat = new float[texts.length * dimension];
        for (int b = 0; b < texts.length; b++) {
            System.arraycopy(pooled[texts[b]], 0, flat, b * dimension, dimension);
        }
        return scope.create(flat, new Shape(texts.length, dimension));
    }

    /** Writes the texts' arrays under {@code key} (which {@link #load} checks), atomically. */
    public void save(Path file, String key) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(temporary),
                1 << 20))) {
            out.writeUTF(MAGIC);
            out.writeUTF(key);
            out.writeInt(dimension);
            out.writeInt(states.length);
            for (int i = 0; i < states.length; i++) {
                writeFloats(out, states[i]);
                writeFloats(out, pooled[i]);
            }
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The texts {@link #save} wrote under {@code key}, or null when the file is missing or holds another key. */
    public static EncodedTexts load(Path file, String key) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
            if (!MAGIC.equals(in.readUTF()) || !key.equals(in.readUTF())) {
                return null;
            }
            int dimension = in.readInt();
            int count = in.readInt();
            float[][] states = new float[count][];
            float[][] pooled = new float[count][];
            for (int i = 0; i < count; i++) {
                states[i] = readFloats(in);
                pooled[i] = readFloats(in);
            }
            return new EncodedTexts(dimension, states, pooled);
        }
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        out.writeInt(values.length);
        byte[] bytes = new byte[values.length * 4];
        java.nio.ByteBuffer.wrap(bytes).asFloatBuffer().put(values);
        out.write(bytes);
    }

    private static float[] readFloats(DataInputStream in) throws IOException {
        int length = in.readInt();
        byte[] bytes = new byte[length * 4];
        in.readFully(bytes);
        float[] values = new float[length];
        java.nio.ByteBuffer.wrap(bytes).asFloatBuffer().get(values);
        return values;
    }
}
