package io.dsistream.schemas.indexing;

/** Keyed state of the upsert/delete step, one per document id: where the document sits and what it said. */
public class DocumentEntry {

    /** The leaf, {@code a.b.c}. */
    public String semanticId;
    public long contentHash;
    public String modelVersion;

    public DocumentEntry() {
    }

    public DocumentEntry(String semanticId, long contentHash, String modelVersion) {
        this.semanticId = semanticId;
        this.contentHash = contentHash;
        this.modelVersion = modelVersion;
    }
}
