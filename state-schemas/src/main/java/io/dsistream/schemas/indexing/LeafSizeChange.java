package io.dsistream.schemas.indexing;

/** A leaf gained or lost a document and now holds {@link #sizeAfter}; the balance monitor's input. */
public class LeafSizeChange {

    public String semanticId;
    public boolean added;
    public int sizeAfter;
    public int codesPerPosition;
    public String modelVersion;
    /** The index generation of the leaf. */
    public int generation;

    public LeafSizeChange() {
    }

    public LeafSizeChange(String semanticId, boolean added, int sizeAfter, int codesPerPosition, String modelVersion) {
        this.semanticId = semanticId;
        this.added = added;
        this.sizeAfter = sizeAfter;
        this.codesPerPosition = codesPerPosition;
        this.modelVersion = modelVersion;
    }

    @Override
    public String toString() {
        return "LeafSizeChange{" + (added ? "+" : "-") + semanticId + (generation == 0 ? "" : " g" + generation) + " -> "
                + sizeAfter + "}";
    }
}
