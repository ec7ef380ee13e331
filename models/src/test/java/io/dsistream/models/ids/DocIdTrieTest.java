package io.dsistream.models.ids;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class DocIdTrieTest {

    private static SemanticId id(String text) {
        return SemanticId.parse(text);
    }

    @Test
    void leavesHoldManyDocumentsInInsertionOrder() {
        DocIdTrie trie = new DocIdTrie();
        assertTrue(trie.add("d1", id("1.2")));
        assertTrue(trie.add("d2", id("1.2")));
        assertTrue(trie.add("d3", id("1.2")));
        assertFalse(trie.add("d2", id("1.2")), "a document is at an ID once");
        assertEquals(List.of("d1", "d2", "d3"), trie.documents(id("1.2")));
        assertEquals(3, trie.size());
        assertEquals(1, trie.populatedLeaves());
        assertEquals(List.of(), trie.documents(id("1")));
        assertEquals(List.of(), trie.documents(id("9.9")));
    }

    @Test
    void nodeCanBeCompleteAndHaveChildren() {
        // DSI naive string docids: "12" is a prefix of "123".
        DocIdTrie trie = new DocIdTrie();
        trie.add("twelve", id("1.2"));
        trie.add("one-two-three", id("1.2.3"));
        trie.add("one-two-four", id("1.2.4"));
        trie.add("five", id("5"));
        assertTrue(trie.isComplete(id("1.2")));
        assertFalse(trie.isComplete(id("1")));
        assertTrue(trie.isComplete(id("1.2.3")));
        assertEquals(Map.of(3, 1, 4, 1), trie.children(id("1.2")));
        assertEquals(new TreeMap<>(Map.of(1, 3, 5, 1)), trie.children(SemanticId.EMPTY));
        assertEquals(List.of(1, 5), List.copyOf(trie.children(SemanticId.EMPTY).keySet()));
        assertEquals(3, trie.documentsUnder(id("1")));
        assertEquals(4, trie.documentsUnder(SemanticId.EMPTY));
        assertEquals(List.of(id("1.2"), id("1.2.3"), id("1.2.4"), id("5")),
                trie.populatedLeavesUnder(SemanticId.EMPTY));
        assertEquals(List.of(id("1.2"), id("1.2.3")), trie.populatedLeavesUnder(id("1"), 2));
        assertEquals(4, trie.populatedLeaves());
    }

    @Test
    void removeReportsPresenceAndPrunesEmptyBranches() {
        DocIdTrie trie = new DocIdTrie();
        trie.add("a", id("1.2.3"));
        trie.add("b", id("1.2.3"));
        trie.add("c", id("1.4"));
        assertFalse(trie.remove("zz", id("1.2.3")));
        assertFalse(trie.remove("a", id("1.2")), "a is below 1.2, not at it");
        assertTrue(trie.remove("a", id("1.2.3")));
        assertFalse(trie.remove("a", id("1.2.3")));
        assertEquals(List.of("b"), trie.documents(id("1.2.3")));
        assertTrue(trie.remove("b", id("1.2.3")));
        assertFalse(trie.containsPrefix(id("1.2")), "the emptied branch 1.2 is pruned");
        assertEquals(Map.of(4, 1), trie.children(id("1")));
        assertTrue(trie.remove("c", id("1.4")));
        assertEquals(0, trie.size());
        assertEquals(0, trie.populatedLeaves());
        assertTrue(trie.children(SemanticId.EMPTY).isEmpty());
    }

    @Test
    void backsOffToTheLongestPopulatedPrefix() {
        DocIdTrie trie = new DocIdTrie();
        trie.add("a", id("2.0.1.5"));
        trie.add("b", id("2.0.3.3"));
        trie.add("c", id("2.7.0.0"));
        trie.add("d", id("6.1.1.1"));
        SemanticId empty = id("2.0.9.9");
        SemanticId prefix = trie.longestPopulatedPrefix(empty);
        assertEquals(id("2.0"), prefix);
        assertEquals(List.of(id("2.0.1.5"), id("2.0.3.3")), trie.populatedLeavesUnder(prefix));
        assertEquals(id("2.0.1.5"), trie.longestPopulatedPrefix(id("2.0.1.5")));
        assertEquals(SemanticId.EMPTY, trie.longestPopulatedPrefix(id("9.9.9.9")));
        assertEquals(id("2.0.1.5"), trie.longestPopulatedPrefix(id("2.0.1.5.7")));
    }

    @Test
    void rejectsEmptyIdsAndNullDocuments() {
        DocIdTrie trie = new DocIdTrie();
        assertThrows(IllegalArgumentException.class, () -> trie.add("a", SemanticId.EMPTY));
        assertThrows(IllegalArgumentException.class, () -> trie.add(null, id("1")));
    }

    @Test
    void randomAddsAndRemovesMatchAPlainMap() {
        Random random = new Random(11);
        DocIdTrie trie = new DocIdTrie();
        Map<SemanticId, Set<String>> expected = new HashMap<>();
        for (int step = 0; step < 50_000; step++) {
            SemanticId leaf = SemanticId.of(random.nextInt(4), random.nextInt(4), random.nextInt(8));
            String doc = "d" + random.nextInt(2_000);
            boolean shouldAdd = random.nextInt(3) > 0;
            Set<String> docs = expected.computeIfAbsent(leaf, k -> new HashSet<>());
            if (shouldAdd) {
                assertEquals(docs.add(doc), trie.add(doc, leaf));
            } else {
                assertEquals(docs.remove(doc), trie.remove(doc, leaf));
            }
            if (docs.isEmpty()) {
                expected.remove(leaf);
            }
        }
        int size = expected.values().stream().mapToInt(Set::size).sum();
        assertEquals(size, trie.size());
        assertEquals(expected.size(), trie.populatedLeaves());
        Map<SemanticId, Integer> sizes = new TreeMap<>();
        expected.forEach((leaf, docs) -> sizes.put(leaf, docs.size()));
        assertEquals(sizes, trie.leafSizes());
        for (int first = 0; first < 4; first++) {
            SemanticId prefix = SemanticId.of(first);
            int under = sizes.entrySet().stream().filter(e -> prefix.isPrefixOf(e.getKey()))
                    .mapToInt(Map.Entry::getValue).sum();
            assertEquals(under, trie.documentsUnder(prefix));
            assertEquals(under, trie.children(SemanticId.EMPTY).getOrDefault(first, 0));
        }
        expected.forEach((leaf, docs) -> assertEquals(docs, Set.copyOf(trie.documents(leaf))));
    }

    @Test
    void holdsAMillionSingleDocumentLeaves() {
        // ASI++ scale: L = 4, V = 256, one document per leaf.
        DocIdTrie trie = new DocIdTrie();
        Random random = new Random(3);
        int added = 0;
        for (int i = 0; i < 1_000_000; i++) {
            if (trie.add(Integer.toString(i), SemanticId.of(random.nextInt(256), random.nextInt(256),
                    random.nextInt(256), random.nextInt(256)))) {
                added++;
            }
        }
        assertEquals(1_000_000, added);
        assertEquals(1_000_000, trie.size());
        assertEquals(256, trie.children(SemanticId.EMPTY).size());
        assertEquals(1_000_000, trie.children(SemanticId.EMPTY).values().stream().mapToInt(Integer::intValue).sum());
    }
}
