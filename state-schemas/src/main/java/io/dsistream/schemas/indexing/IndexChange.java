package io.dsistream.schemas.indexing;

import io.dsistream.schemas.DocumentOp;

/**
 * One document joining or leaving one leaf of the trie. A replaced document yields a silent remove from its old
 * leaf and an add to its new one; a delete yields a remove that emits a delete assignment.
 */
public class IndexChange {

    public String docId;
    /** The leaf, {@code a.b.c}. */
    public String semanticId;
    /** True: join the leaf; false: leave it. */
    public boolean add;
    /** Whether the trie emits an assignment record for this change (not for the remove half of a replace). */
    public boolean emitAssignment;
    /** The op of the assignment emitted. */
    public DocumentOp op;
    public String modelVersion;
    public int codesPerPosition;
    public long appendTs;
    /** Rerank features of an add: title and vector (int8 with a scale, or float). */
    public String title;
    public byte[] vectorInt8;
    public float vectorScale;
    public float[] vector;
    /** The index generation the leaf belongs to (0: the first); each generation is its own keyed trie state. */
    public int generation;
    /** True for an add that re-assigns an indexed document into a generation being built. */
    public boolean rebuild;

    public IndexChange() {
    }

    @Override
    public String toString() {
        return "IndexChange{" + (add ? "+" : "-") + docId + " @ " + semanticId + (generation == 0 ? "" : " g" + generation)
                + ", " + op + (rebuild ? ", rebuild" : "") + "}";
    }
}
