package io.dsistream.schemas.indexing;

/**
 * A document inside a trie leaf with its second-stage rerank features: the title and the embedding, as int8 codes
 * with one scale ({@code x ≈ scale · q}, 4× smaller than floats) or as floats.
 */
public class LeafDocument {

    public String docId;
    public String title;
    public byte[] vectorInt8;
    public float vectorScale;
    public float[] vector;

    public LeafDocument() {
    }

    /** The embedding as floats, from whichever form is stored; empty when none is. */
    public float[] embedding() {
        if (vector != null) {
            return vector;
        }
        if (vectorInt8 == null) {
            return new float[0];
        }
        float[] out = new float[vectorInt8.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = vectorInt8[i] * vectorScale;
        }
        return out;
    }
}
