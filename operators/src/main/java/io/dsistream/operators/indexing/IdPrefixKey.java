package io.dsistream.operators.indexing;

import io.dsistream.schemas.indexing.IndexChange;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * The trie's key: the first {@code length} codes of the leaf ({@code "3"} or {@code "3.14"}). All documents of one
 * subtree meet in one key, so its counts are updated without coordination; V^length keys spread the trie over the
 * parallel subtasks.
 */
public final class IdPrefixKey implements KeySelector<IndexChange, String> {

    private static final long serialVersionUID = 1L;

    private final int length;

    public IdPrefixKey(int length) {
        if (length < 1) {
            throw new IllegalArgumentException("ID prefix key length must be at least 1, got " + length);
        }
        this.length = length;
    }

    @Override
    public String getKey(IndexChange change) {
        return prefix(change.semanticId, length);
    }

    /** The first {@code codes} codes of a dotted ID (the whole ID when it is shorter). */
    public static String prefix(String semanticId, int codes) {
        int at = -1;
        for (int i = 0; i < codes; i++) {
            at = semanticId.indexOf('.', at + 1);
            if (at < 0) {
                return semanticId;
            }
        }
        return semanticId.substring(0, at);
    }
}
