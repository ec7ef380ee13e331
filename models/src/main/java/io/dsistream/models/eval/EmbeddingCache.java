package io.dsistream.models.eval;

import io.dsistream.models.encoder.SentenceEmbedder;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Corpus vectors on disk, one file per {@link EmbeddingCacheKey} under a cache directory, so that repeated
 * evaluations and later training runs do not re-encode the corpus.
 *
 * <p>File format (big-endian): magic {@code "DSIV"}, format version, the key (encoder name, max length,
 * corpus SHA-256) for verification, N, H, N document ids (modified UTF-8), then N·H floats {@code (N, H)}.
 * Files are written to a temporary name and moved into place, so a crash never leaves a half file under
 * the real name.
 */
public final class EmbeddingCache {

    private static final int MAGIC = 0x44534956;  // "DSIV"
    private static final int VERSION = 1;
    private static final int FLOATS_PER_CHUNK = 1 << 20;

    private final Path directory;

    public EmbeddingCache(Path directory) {
        this.directory = directory;
    }

    /** Where vectors for {@code key} live. */
    public Path fileFor(EmbeddingCacheKey key) {
        return directory.resolve(key.fileName());
    }

    /** The cached vectors for {@code key}, or empty when none are stored. A corrupt file throws. */
    public Optional<CorpusVectors> load(EmbeddingCacheKey key) throws IOException {
        Path file = fileFor(key);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(file + ": not an embedding cache file (bad magic)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IOException(file + ": unsupported format version " + version);
            }
            EmbeddingCacheKey stored = new EmbeddingCacheKey(in.readUTF(), in.readInt(), in.readUTF());
            if (!stored.equals(key)) {
                // Two keys sharing a file name (same 16-digit digest prefix): treat as a miss, never as a hit.
                return Optional.empty();
            }
            int n = in.readInt();
            int h = in.readInt();
            if (n < 0 || h < 1) {
                throw new IOException(file + ": bad shape " + n + " x " + h);
            }
            List<String> docIds = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                docIds.add(in.readUTF());
            }
            float[] vectors = new float[Math.multiplyExact(n, h)];  // (N, H)
            byte[] chunk = new byte[Math.min(vectors.length, FLOATS_PER_CHUNK) * Float.BYTES];
            for (int offset = 0; offset < vectors.length; ) {
                int count = Math.min(FLOATS_PER_CHUNK, vectors.length - offset);
                in.readFully(chunk, 0, count * Float.BYTES);
                ByteBuffer.wrap(chunk, 0, count * Float.BYTES).order(ByteOrder.BIG_ENDIAN).asFloatBuffer()
                        .get(vectors, offset, count);
                offset += count;
            }
            if (in.read() != -1) {
                throw new IOException(file + ": trailing bytes after " + n + " x " + h + " vectors");
            }
            return Optional.of(new CorpusVectors(docIds, h, vectors));
        } catch (EOFException e) {
            throw new IOException(file + ": truncated embedding cache file", e);
        }
    }

    /** Writes {@code vectors} for {@code key}, replacing any earlier file. */
    public void store(EmbeddingCacheKey key, CorpusVectors vectors) throws IOException {
        Files.createDirectories(directory);
        Path file = fileFor(key);
        Path temporary = Files.createTempFile(directory, key.fileName(), ".tmp");
        try {
            try (DataOutputStream out = new DataOutputStream(
                    new BufferedOutputStream(Files.newOutputStream(temporary), 1 << 16))) {
                out.writeInt(MAGIC);
                out.writeInt(VERSION);
                out.writeUTF(key.encoderName());
                out.writeInt(key.maxLength());
                out.writeUTF(key.corpusSha256());
                out.writeInt(vectors.size());
                out.writeInt(vectors.dimension());
                for (String id : vectors.docIds()) {
                    out.writeUTF(id);
                }
                float[] data = vectors.vectors();
                byte[] chunk = new byte[Math.min(data.length, FLOATS_PER_CHUNK) * Float.BYTES];
                for (int offset = 0; offset < data.length; ) {
                    int count = Math.min(FLOATS_PER_CHUNK, data.length - offset);
                    ByteBuffer.wrap(chunk, 0, count * Float.BYTES).order(ByteOrder.BIG_ENDIAN).asFloatBuffer()
                            .put(data, offset, count);
                    out.write(chunk, 0, count * Float.BYTES);
                    offset += count;
                }
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * The cached vectors of {@code documents} when stored under {@code key} for exactly these document ids in
     * this order; otherwise encodes them with {@link DenseRetriever#encodeCorpus} and stores the result.
     */
    public CorpusVectors loadOrEncode(EmbeddingCacheKey key, List<BeirDocument> documents, SentenceEmbedder embedder,
                                      int batchSize, ProgressReporter progress) throws IOException {
        Optional<CorpusVectors> cached = load(key);
        if (cached.isPresent() && cached.get().dimension() == embedder.dimension()
                && sameIds(cached.get().docIds(), documents)) {
            return cached.get();
        }
        CorpusVectors encoded = DenseRetriever.encodeCorpus(embedder, documents, batchSize, progress);
        store(key, encoded);
        return encoded;
    }

    private static boolean sameIds(List<String> ids, List<BeirDocument> documents) {
        if (ids.size() != documents.size()) {
            return false;
        }
        for (int i = 0; i < ids.size(); i++) {
            if (!ids.get(i).equals(documents.get(i).id())) {
                return false;
            }
        }
        return true;
    }
}
