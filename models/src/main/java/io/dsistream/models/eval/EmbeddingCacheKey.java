package io.dsistream.models.eval;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What cached corpus vectors depend on: the encoder (a name that changes whenever its weights do, e.g.
 * {@code "all-minilm-l6-v2"} or a model bundle's {@code name/vN}), its maximum input length in tokens, and
 * the SHA-256 of the corpus file's content (a content digest rather than size + mtime, so that a copied or
 * re-downloaded corpus still hits and an edited one never does).
 */
public record EmbeddingCacheKey(String encoderName, int maxLength, String corpusSha256) {

    public EmbeddingCacheKey {
        Objects.requireNonNull(encoderName, "encoderName");
        Objects.requireNonNull(corpusSha256, "corpusSha256");
        if (encoderName.isBlank()) {
            throw new IllegalArgumentException("encoderName is blank");
        }
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be >= 1, got " + maxLength);
        }
    }

    /** The key for {@code corpusFile} as it is now on disk. */
    public static EmbeddingCacheKey forCorpusFile(String encoderName, int maxLength, Path corpusFile)
            throws IOException {
        return new EmbeddingCacheKey(encoderName, maxLength, sha256(corpusFile));
    }

    /** A file name unique to this key: sanitised encoder name, max length, first 16 hex digits of the digest. */
    public String fileName() {
        String encoder = encoderName.replaceAll("[^A-Za-z0-9._-]", "_");
        return encoder + "-len" + maxLength + "-" + corpusSha256.substring(0, Math.min(16, corpusSha256.length()))
                + ".vectors";
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int read;
            while ((read = in.read(buffer)) > 0) {
                digest.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
