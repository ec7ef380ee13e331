package io.dsistream.models.retrieval;

import io.dsistream.models.ids.SemanticId;

import java.util.List;

/**
 * The docid trie as one query part sees it: document counts under prefixes and the documents of a leaf. The
 * streaming job implements it over one key's RocksDB state; {@link PlannedLeafRetriever} over a
 * {@link io.dsistream.models.ids.DocIdTrie}.
 */
public interface TrieView {

    /** Documents under {@code prefix}: the leaf's size for a full ID, 0 when none. */
    int documentsUnder(SemanticId prefix);

    /** The documents of a populated leaf with their embeddings. */
    List<LeafMember> members(SemanticId leaf);

    /** A document in a leaf and its L2-normalised embedding {@code [H]}. */
    record LeafMember(String docId, float[] vector) {
    }
}
