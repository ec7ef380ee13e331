package io.dsistream.schemas.indexing;

/**
 * Keyed state of the upsert/delete step, one per document id: where the document sits and what it said. A document
 * sits in the current index generation ({@link #semanticId}, {@link #generation}) and, while a generation is built
 * or the previous one waits to be dropped, in one other ({@link #otherSemanticId}, {@link #otherGeneration}). The
 * title and embedding are kept so a new generation can re-assign the document without encoding it again.
 */
public class DocumentEntry {

    /** The leaf, {@code a.b.c}, in {@link #generation}. */
    public String semanticId;
    public long contentHash;
    public String modelVersion;
    /** The generation {@link #semanticId} belongs to (0 in state written before generations existed). */
    public int generation;
    /** The leaf in {@link #otherGeneration}; null when the document sits in one generation only. */
    public String otherSemanticId;
    public int otherGeneration;
    public String title;
    /** {@code (H)}, the document embedding; null in state written before generations existed. */
    public float[] vector;

    public DocumentEntry() {
    }

    public DocumentEntry(String semanticId, long contentHash, String modelVersion) {
        this.semanticId = semanticId;
        this.contentHash = contentHash;
        this.modelVersion = modelVersion;
    }

    /** The document's leaf in generation {@code g}, or null when it has none there. */
    public String leafIn(int g) {
        if (semanticId != null && generation == g) {
            return semanticId;
        }
        return otherSemanticId != null && otherGeneration == g ? otherSemanticId : null;
    }

    @Override
    public String toString() {
        return "DocumentEntry{" + semanticId + " g" + generation + (otherSemanticId == null ? ""
                : ", " + otherSemanticId + " g" + otherGeneration) + "}";
    }
}
