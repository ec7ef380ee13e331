package io.dsistream.operators.indexing;

import io.dsistream.schemas.indexing.IndexChange;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * The trie's key: the first {@code length} codes of the leaf ({@code "3"} or {@code "3.14"}), and from index
 * generation 1 on the generation after an {@code @g} ({@code "3@g1"}), so each generation is separate keyed state
 * (generation 0 keeps the key it always had). All documents of one subtree meet in one key, so its counts are
 * updated without coordination; V^length keys spread the trie over the parallel subtasks.
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
        return key(change.generation, prefix(change.semanticId, length));
    }

    /** The trie key of {@code prefix} in index generation {@code generation}. */
    public static String key(int generation, String prefix) {
        return generation == 0 ? prefix : prefix + "@g" + generation;
    }

    /** The generation of a key {@link #key} made (also of a balance monitor's leaf entry). */
    public static int generationOf(String key) {
        int at = key.indexOf("@g");
        return at < 0 ? 0 : Integer.parseInt(key.substring(at + 2));
    }

    /** The prefix (or leaf) of a key {@link #key} made. */
    public static String prefixOf(String key) {
        int at = key.indexOf("@g");
        return at < 0 ? key : key.substring(0, at);
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
