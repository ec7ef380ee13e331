package io.dsistream.models.encoder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One pinned model file carried as a classpath resource by a Maven artifact: the artifact's coordinates, the
 * resource name and the file's SHA-256. Every read is checked against the pinned digest, so a changed jar or a
 * tampered cache file is refused with an error naming the coordinates and the file.
 *
 * @param coordinates {@code groupId:artifactId:version} of the jar that carries the file
 * @param resource    the resource name inside the jar (no leading slash)
 * @param sha256      the pinned SHA-256, lower-case hex
 */
public record ModelArtifact(String coordinates, String resource, String sha256) {

    private static final int BUFFER_BYTES = 1 << 16;

    /**
     * Reads the whole resource and checks its digest before returning it.
     *
     * @throws ModelArtifactException if the resource is missing from the classpath or its digest differs
     */
    public byte[] readVerified() {
        try (InputStream in = open()) {
            return readVerified(in, "classpath:" + resource);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + describe("classpath:" + resource), e);
        }
    }

    /**
     * Reads {@code in} to the end and checks its digest; {@code source} names where the bytes came from in the
     * error message.
     */
    public byte[] readVerified(InputStream in, String source) throws IOException {
        MessageDigest digest = newDigest();
        byte[] bytes = new DigestInputStream(in, digest).readAllBytes();
        requireDigest(digest, source);
        return bytes;
    }

    /**
     * Returns a verified copy of the resource as a file under {@code directory}, for readers that need a
     * {@link Path} (the Hugging Face tokenizer). An existing copy is reused when its digest matches and replaced
     * from the jar otherwise. The copy is written to a temporary file and moved into place, so concurrent
     * loaders never see a half-written file.
     */
    public Path materialize(Path directory) {
        Path target = directory.resolve(sha256.substring(0, 12) + "-" + Path.of(resource).getFileName());
        try {
            if (Files.isRegularFile(target) && digestMatches(target)) {
                return target;
            }
            Files.createDirectories(directory);
            Path partial = Files.createTempFile(directory, ".partial-", ".tmp");
            try {
                MessageDigest digest = newDigest();
                try (InputStream in = new DigestInputStream(open(), digest);
                     OutputStream out = Files.newOutputStream(partial)) {
                    in.transferTo(out);
                }
                requireDigest(digest, "classpath:" + resource);
                try {
                    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(partial);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a copy of " + describe("classpath:" + resource)
                    + " under " + directory, e);
        }
    }

    /**
     * Checks a file on disk against the pinned digest.
     *
     * @throws ModelArtifactException naming the file and the artifact if the digest differs
     */
    public void verify(Path file) {
        try {
            if (!digestMatches(file)) {
                throw new ModelArtifactException(describe(file.toString()) + ": SHA-256 is " + digestOf(file)
                        + " but " + sha256 + " is pinned; the file was altered or comes from another version");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + describe(file.toString()), e);
        }
    }

    /** {@code resource (source) from coordinates}, the way every error message names this file. */
    public String describe(String source) {
        return "model file '" + resource + "' (" + source + ") from " + coordinates;
    }

    private InputStream open() {
        InputStream in = ModelArtifact.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new ModelArtifactException("model file '" + resource + "' is not on the classpath: add the Maven "
                    + "artifact " + coordinates + " (it carries the file as a resource)");
        }
        return in;
    }

    private boolean digestMatches(Path file) throws IOException {
        return sha256.equals(digestOf(file));
    }

    private static String digestOf(Path file) throws IOException {
        MessageDigest digest = newDigest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private void requireDigest(MessageDigest digest, String source) {
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!sha256.equals(actual)) {
            throw new ModelArtifactException(describe(source) + ": SHA-256 is " + actual + " but " + sha256
                    + " is pinned; the file was altered or comes from another version");
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
