package io.dsistream.schemas.indexing;

import io.dsistream.schemas.DocumentOp;

/**
 * A parsed document on its way to the index. The parse step fills the document fields and source coordinates; the
 * encode step sets {@link #embedding} (and drops {@link #text}); the assign step sets {@link #codes} and
 * {@link #modelVersion}. A delete carries only its id, op and coordinates.
 */
public class IndexRequest {

    public String docId;
    public DocumentOp op;
    public String title;
    /** Normalised text; null once encoded. */
    public String text;
    /** 64-bit FNV-1a over title and text: an unchanged re-send has the same hash. */
    public long contentHash;
    public String sourceTopic;
    public int sourcePartition;
    public long sourceOffset;
    /** Kafka append time of the source record, ms. */
    public long appendTs;
    /** The document's {@code ts} field when it had one, else the append time. */
    public long documentTs;
    /** {@code (H)}, L2-normalised; null for deletes and before encoding. */
    public float[] embedding;
    /** {@code (L)} codes of the semantic ID; null for deletes and before assignment. */
    public int[] codes;
    /** V of the ID space the codes are drawn from. */
    public int codesPerPosition;
    public String modelVersion;
    /** True when encoding timed out or failed; such a request is dead-lettered. */
    public boolean encodeFailed;
    /**
     * When &gt; 0 this is not a document but a model-update control record: serve version N of the model from here
     * on. It travels in order with the documents through the encoder and ID assignment, then stops.
     */
    public int switchToVersion;
    public String encodeError;

    public IndexRequest() {
    }

    /** 64-bit FNV-1a over the title (or nothing), a separator and the text. */
    public static long contentHash(String title, String text) {
        long h = 0xcbf29ce484222325L;
        h = fnv(h, title == null ? "" : title);
        h = (h ^ 0x1F) * 0x100000001b3L;
        return fnv(h, text == null ? "" : text);
    }

    private static long fnv(long h, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            h = (h ^ (c & 0xFF)) * 0x100000001b3L;
            h = (h ^ (c >>> 8)) * 0x100000001b3L;
        }
        return h;
    }

    @Override
    public String toString() {
        return "IndexRequest{" + docId + ", " + op + ", " + sourceTopic + "/" + sourcePartition + "@" + sourceOffset
                + (codes == null ? "" : ", codes=" + java.util.Arrays.toString(codes)) + "}";
    }
}
