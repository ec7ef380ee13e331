package io.dsistream.models.ids;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class NaiveStringIdsTest {

    @Test
    void digitsBecomeCodes() {
        NaiveStringIds naive = new NaiveStringIds();
        assertEquals(SemanticId.of(4, 9, 8, 3), naive.assign("4983"));
        assertEquals("4983", naive.docId(SemanticId.of(4, 9, 8, 3)));
        assertEquals(10, naive.codesPerPosition());
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> naive.assign("49a3"));
        assertTrue(error.getMessage().contains("'a' at index 2"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> naive.assign(List.of("1", "2", "1")));
        assertThrows(IllegalArgumentException.class, () -> new NaiveStringIds("abca"));
        assertEquals(SemanticId.of(2, 0, 1), new NaiveStringIds("xyz").assign("zxy"));
    }

    @Test
    void sciFactIdsAreUniqueButNotPrefixFree() throws IOException {
        Path corpus = Path.of(System.getProperty("dsi.shared.dir"), "data", "scifact", "corpus.jsonl");
        Pattern idField = Pattern.compile("\"_id\"\\s*:\\s*\"([^\"]+)\"");
        List<String> docIds = new ArrayList<>();
        for (String line : Files.readAllLines(corpus)) {
            Matcher matcher = idField.matcher(line);
            assertTrue(matcher.find(), "no _id in corpus line " + (docIds.size() + 1));
            docIds.add(matcher.group(1));
        }
        NaiveStringIds naive = new NaiveStringIds();
        List<SemanticId> ids = naive.assign(docIds);
        assertEquals(5_183, ids.size());
        assertEquals(5_183, new HashSet<>(ids).size());

        DocIdTrie trie = new DocIdTrie();
        for (int i = 0; i < ids.size(); i++) {
            trie.add(docIds.get(i), ids.get(i));
            assertEquals(docIds.get(i), naive.docId(ids.get(i)));
        }
        // 393001 / 39300105 and 432261 / 43226130: complete IDs with children, decoded with EOS.
        assertTrue(trie.isComplete(naive.assign("393001")));
        assertEquals(1, trie.children(naive.assign("393001")).size());
        assertTrue(trie.isComplete(naive.assign("432261")));
        long completeWithChildren = trie.populatedLeavesUnder(SemanticId.EMPTY).stream()
                .filter(id -> !trie.children(id).isEmpty()).count();
        assertEquals(2, completeWithChildren);
        assertEquals(9, naive.vocabulary(9).maxLength());
    }
}
