package io.dsistream.models.encoder;

/** A pinned model file is missing from the classpath or does not match its pinned SHA-256. */
public class ModelArtifactException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public ModelArtifactException(String message) {
        super(message);
    }
}
