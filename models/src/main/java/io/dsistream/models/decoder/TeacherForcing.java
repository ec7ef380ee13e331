package io.dsistream.models.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.dsistream.models.ids.IdVocabulary;

import java.util.List;

/**
 * Teacher forcing for the ID decoder: target and input token batches, and the generation loss
 * L_CE = −Σ_i log p(id_i | id_&lt;i, q) (ASI++ §2.2, eq. 2; DSI's seq2seq cross-entropy), averaged over non-PAD
 * target tokens.
 */
public final class TeacherForcing {

    private TeacherForcing() {
    }

    /**
     * Target tokens {@code (B, T)} int64: each ID's code tokens, then EOS when {@code appendEos}, right-padded with
     * PAD to the longest row. {@code idTokens} are vocabulary tokens (see {@link IdVocabulary#tokens(int[])}).
     */
    public static NDArray targets(NDManager manager, List<int[]> idTokens, boolean appendEos) {
        if (idTokens.isEmpty()) {
            throw new IllegalArgumentException("no IDs to build targets from");
        }
        int extra = appendEos ? 1 : 0;
        int length = idTokens.stream().mapToInt(id -> id.length + extra).max().orElseThrow();
        if (length == 0) {
            throw new IllegalArgumentException("every ID is empty and no EOS is appended: nothing to predict");
        }
        long[] values = new long[idTokens.size() * length]; // PAD = 0
        for (int b = 0; b < idTokens.size(); b++) {
            int[] id = idTokens.get(b);
            for (int t = 0; t < id.length; t++) {
                values[b * length + t] = id[t];
            }
            if (appendEos) {
                values[b * length + id.length] = IdVocabulary.EOS;
            }
        }
        return manager.create(values, new Shape(idTokens.size(), length));
    }

    /** Decoder inputs {@code (B, T)}: BOS followed by {@code targets[:, :-1]}, in the targets' manager. */
    public static NDArray decoderInputs(NDArray targets) {
        long batch = targets.getShape().get(0);
        NDArray bos = targets.getManager().full(new Shape(batch, 1), (float) IdVocabulary.BOS, DataType.INT64); // (B, 1)
        NDArray shifted = targets.toType(DataType.INT64, false).get(":, :-1"); // (B, T-1)
        return bos.concat(shifted, 1); // (B, T)
    }

    /**
     * Mean cross-entropy of {@code logits (B, T, V)} against {@code targets (B, T)} over the positions whose
     * target is not PAD; a scalar. 0 when every target is PAD.
     */
    public static NDArray crossEntropy(NDArray logits, NDArray targets) {
        Shape logitShape = logits.getShape();
        Shape targetShape = targets.getShape();
        if (logitShape.dimension() != 3 || targetShape.dimension() != 2 || logitShape.get(0) != targetShape.get(0)
                || logitShape.get(1) != targetShape.get(1)) {
            throw new IllegalArgumentException("crossEntropy needs logits (B, T, V) and targets (B, T), got "
                    + logitShape + " and " + targetShape);
        }
        NDArray index = targets.toType(DataType.INT64, false).expandDims(2); // (B, T, 1)
        NDArray targetLogProbs = logits.logSoftmax(2).gather(index, 2).squeeze(2); // (B, T)
        NDArray real = targets.neq(IdVocabulary.PAD).toType(DataType.FLOAT32, false); // (B, T): 1 = scored
        NDArray count = real.sum().maximum(1f); // ()
        return targetLogProbs.mul(real).sum().neg().div(count); // ()
    }
}
