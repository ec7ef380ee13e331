package io.dsistream.models.continual;

import io.dsistream.models.ids.SemanticId;

import java.util.Arrays;
import java.util.Objects;

/**
 * A document as a trainer sees it: its text, the ID stored for it when it was indexed (null while it has none) and
 * its pooled, L2-normalised document embedding {@code [H]} as the index stores it. Plain data, so a replay buffer
 * of these can live in operator state.
 *
 * @param docId    the document's ID
 * @param text     title and text as indexed
 * @param storedId the stored semantic ID (e.g. {@code 3.14.1}), or null for a document not yet assigned
 * @param vector   the document embedding {@code [H]}
 */
public record ReplayDocument(String docId, String text, SemanticId storedId, float[] vector) {

    public ReplayDocument {
        if (docId == null || docId.isEmpty()) {
            throw new IllegalArgumentException("replay document field 'docId' is missing or empty");
        }
        if (text == null) {
            throw new IllegalArgumentException("replay document '" + docId + "': field 'text' is null");
        }
        if (vector == null || vector.length == 0) {
            throw new IllegalArgumentException("replay document '" + docId + "': field 'vector' is missing");
        }
    }

    /** The same document with another stored ID. */
    public ReplayDocument withStoredId(SemanticId id) {
        return new ReplayDocument(docId, text, id, vector);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReplayDocument other && docId.equals(other.docId) && text.equals(other.text)
                && Objects.equals(storedId, other.storedId) && Arrays.equals(vector, other.vector);
    }

    @Override
    public int hashCode() {
        return Objects.hash(docId, text, storedId) * 31 + Arrays.hashCode(vector);
    }

    @Override
    public String toString() {
        return "ReplayDocument[" + docId + ", " + storedId + ", " + text.length() + " chars, H=" + vector.length + "]";
    }
}
