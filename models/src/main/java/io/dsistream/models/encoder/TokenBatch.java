package io.dsistream.models.encoder;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;

/**
 * Token id sequences right-padded to one length, ready for the encoder.
 *
 * @param tokenIds      {@code (B, T)} row-major, padding filled with the pad id
 * @param attentionMask {@code (B, T)} row-major, 1 for real tokens and 0 for padding
 * @param size          B, the number of sequences
 * @param length        T, the longest sequence
 */
public record TokenBatch(long[] tokenIds, long[] attentionMask, int size, int length) {

    /** Pads {@code sequences} on the right with {@code padId} to the longest one. */
    public static TokenBatch pad(List<long[]> sequences, long padId) {
        int length = 0;
        for (long[] sequence : sequences) {
            length = Math.max(length, sequence.length);
        }
        long[] ids = new long[sequences.size() * length];
        long[] mask = new long[ids.length];
        java.util.Arrays.fill(ids, padId);
        for (int row = 0; row < sequences.size(); row++) {
            long[] sequence = sequences.get(row);
            System.arraycopy(sequence, 0, ids, row * length, sequence.length);
            java.util.Arrays.fill(mask, row * length, row * length + sequence.length, 1L);
        }
        return new TokenBatch(ids, mask, sequences.size(), length);
    }

    /** {@code [token ids (B, T), attention mask (B, T)]} as int64 arrays owned by {@code manager}. */
    public NDList toNDList(NDManager manager) {
        Shape shape = new Shape(size, length);
        return new NDList(manager.create(tokenIds, shape), manager.create(attentionMask, shape));
    }
}
