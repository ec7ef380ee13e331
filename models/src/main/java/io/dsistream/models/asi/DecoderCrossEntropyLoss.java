package io.dsistream.models.asi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.dsistream.models.ids.IdVocabulary;

/**
 * ASI++ eq. 2: the teacher-forced generation loss of the decoder, {@code −Σ_i log p(id_d_i | id_d_<i, q)}, from
 * the decoder's logits and the target ID tokens. The paper sums over pairs and positions (and drops the minus
 * sign); this averages over the non-PAD target tokens, the usual normalisation, so that a batch's loss does not
 * grow with its size or with the ID length.
 */
public final class DecoderCrossEntropyLoss {

    /**
     * @param logits decoder outputs {@code (B, T, vocabulary)}; step t predicts target t
     * @param targets target token ids {@code (B, T)} (any integer type); {@link IdVocabulary#PAD} is ignored
     * @return a scalar: mean negative log-likelihood over non-PAD targets (0 when every target is PAD)
     */
    public NDArray compute(NDArray logits, NDArray targets) {
        if (logits.getShape().dimension() != 3 || targets.getShape().dimension() != 2
                || logits.getShape().get(0) != targets.getShape().get(0)
                || logits.getShape().get(1) != targets.getShape().get(1)) {
            throw new IllegalArgumentException("decoder logits must be (B, T, vocabulary) and targets (B, T), got "
                    + logits.getShape() + " and " + targets.getShape());
        }
        NDArray index = targets.toType(DataType.INT64, false);
        NDArray picked = logits.logSoftmax(-1).gather(index.expandDims(-1), -1).squeeze(-1);      // (B, T)
        NDArray counted = index.neq(IdVocabulary.PAD).toType(picked.getDataType(), false);        // (B, T)
        return picked.mul(counted).sum().neg().div(counted.sum().maximum(ScopedScalar.of(counted, 1f)));
    }
}
