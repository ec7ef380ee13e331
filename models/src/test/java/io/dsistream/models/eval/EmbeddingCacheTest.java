package io.dsistream.models.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddingCacheTest {

    @TempDir
    Path dir;

    private static final List<BeirDocument> DOCS = List.of(
            new BeirDocument("a", "", "apple"), new BeirDocument("b", "", "banana cherry"),
            new BeirDocument("ü-3", "", "date date apple"));

    private static ProgressReporter quiet() {
        return ProgressReporter.quiet("encoding corpus", "docs", DOCS.size());
    }

    @Test
    void storedVectorsLoadBackExactly() throws IOException {
        EmbeddingCache cache = new EmbeddingCache(dir.resolve("cache"));
        EmbeddingCacheKey key = new EmbeddingCacheKey("keyword/v1", 128, "ab".repeat(32));
        assertEquals(Optional.empty(), cache.load(key));

        CorpusVectors vectors = DenseRetriever.encodeCorpus(new KeywordEmbedder(), DOCS, 2, quiet());
        cache.store(key, vectors);
        CorpusVectors loaded = cache.load(key).orElseThrow();
        assertEquals(vectors.docIds(), loaded.docIds());
        assertEquals(4, loaded.dimension());
        assertArrayEquals(vectors.vectors(), loaded.vectors(), 0f);
        assertEquals("keyword_v1-len128-abababababababab.vectors", cache.fileFor(key).getFileName().toString());

        // Another max length is another key.
        assertEquals(Optional.empty(), cache.load(new EmbeddingCacheKey("keyword/v1", 256, "ab".repeat(32))));
    }

    @Test
    void loadOrEncodeEncodesOnceThenReadsTheCache() throws IOException {
        Path corpusFile = dir.resolve("corpus.jsonl");
        Files.writeString(corpusFile, "{\"_id\":\"a\",\"text\":\"apple\"}\n");
        EmbeddingCacheKey key = EmbeddingCacheKey.forCorpusFile("keyword", 64, corpusFile);
        EmbeddingCache cache = new EmbeddingCache(dir.resolve("cache"));

        KeywordEmbedder embedder = new KeywordEmbedder();
        CorpusVectors first = cache.loadOrEncode(key, DOCS, embedder, 2, quiet());
        assertEquals(2, embedder.calls);
        CorpusVectors second = cache.loadOrEncode(key, DOCS, embedder, 2, quiet());
        assertEquals(2, embedder.calls, "second call must not encode");
        assertArrayEquals(first.vectors(), second.vectors(), 0f);

        // A changed corpus file gives another digest, so another key.
        Files.writeString(corpusFile, "{\"_id\":\"a\",\"text\":\"apple pie\"}\n");
        assertNotEquals(key, EmbeddingCacheKey.forCorpusFile("keyword", 64, corpusFile));

        // Same key but different documents (ids) is a miss and re-encodes.
        cache.loadOrEncode(key, DOCS.subList(0, 2), embedder, 2, quiet());
        assertEquals(3, embedder.calls);
    }

    @Test
    void truncatedFileIsReportedNotMistakenForVectors() throws IOException {
        EmbeddingCache cache = new EmbeddingCache(dir);
        EmbeddingCacheKey key = new EmbeddingCacheKey("keyword", 64, "cd".repeat(32));
        cache.store(key, DenseRetriever.encodeCorpus(new KeywordEmbedder(), DOCS, 2, quiet()));
        Path file = cache.fileFor(key);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        IOException e = assertThrows(IOException.class, () -> cache.load(key));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }
}
