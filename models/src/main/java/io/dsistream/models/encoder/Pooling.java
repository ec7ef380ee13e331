package io.dsistream.models.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/** How token states become one sentence vector. */
public enum Pooling {

    /** Mean over the real tokens (padding excluded), as sentence-transformers' all-MiniLM-L6-v2 does. */
    MEAN {
        @Override
        public NDArray pool(NDArray hidden, NDArray attentionMask) {
            NDArray mask = attentionMask.toType(DataType.FLOAT32, false).expandDims(-1); // (B, T, 1)
            NDArray sum = hidden.mul(mask).sum(new int[] {1});                             // (B, H)
            NDArray count = mask.sum(new int[] {1}).maximum(1e-9f);                        // (B, 1)
            return sum.div(count);
        }
    },

    /** The state of the first token, [CLS], as BAAI's bge models do. */
    CLS {
        @Override
        public NDArray pool(NDArray hidden, NDArray attentionMask) {
            return hidden.get(new NDIndex(":, 0, :")); // (B, H)
        }
    };

    /**
     * Pools {@code hidden (B, T, H)} under {@code attentionMask (B, T)} (1 for real tokens, 0 for padding) into
     * {@code (B, H)}. Not normalised.
     */
    public abstract NDArray pool(NDArray hidden, NDArray attentionMask);

    /** Divides each row of {@code vectors (B, H)} by its L2 norm (at least 1e-12, as torch's normalize). */
    public static NDArray l2Normalize(NDArray vectors) {
        return vectors.div(vectors.norm(new int[] {1}, true).maximum(1e-12f));
    }
}
