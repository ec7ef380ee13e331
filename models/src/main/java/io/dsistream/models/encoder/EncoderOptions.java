package io.dsistream.models.encoder;

import ai.djl.Device;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How a {@link TextEncoder} runs: maximum input length in tokens (longer texts are truncated), texts per forward
 * pass, the device (empty: the engine's default, a GPU when one is present) and the directory for the verified
 * copy of the tokenizer file. Immutable; build with {@link #builder()} or take {@link #defaults()}.
 */
public final class EncoderOptions {

    public static final int DEFAULT_MAX_LENGTH = 256;
    public static final int DEFAULT_BATCH_SIZE = 32;

    private final int maxLength;
    private final int batchSize;
    private final Device device;
    private final Path cacheDirectory;

    private EncoderOptions(Builder builder) {
        this.maxLength = builder.maxLength;
        this.batchSize = builder.batchSize;
        this.device = builder.device;
        this.cacheDirectory = builder.cacheDirectory;
    }

    /** maxLength 256, batchSize 32, automatic device, cache under {@link DjlOffline#cacheRoot()}. */
    public static EncoderOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Tokens per text including [CLS] and [SEP]; longer texts are truncated. */
    public int maxLength() {
        return maxLength;
    }

    /** Texts per forward pass in {@link TextEncoder#embed}. */
    public int batchSize() {
        return batchSize;
    }

    /** The requested device; empty means the engine's default. */
    public Optional<Device> device() {
        return Optional.ofNullable(device);
    }

    /** Where the verified tokenizer copy is written. */
    public Path cacheDirectory() {
        return cacheDirectory != null ? cacheDirectory : DjlOffline.cacheRoot().resolve("encoders");
    }

    @Override
    public String toString() {
        return "EncoderOptions{maxLength=" + maxLength + ", batchSize=" + batchSize + ", device="
                + (device == null ? "auto" : device) + ", cacheDirectory=" + cacheDirectory() + "}";
    }

    /** Builder; every value is optional. */
    public static final class Builder {

        private int maxLength = DEFAULT_MAX_LENGTH;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Device device;
        private Path cacheDirectory;

        private Builder() {
        }

        /** At least 3 ([CLS], one token, [SEP]) and at most the model's 512 positions. */
        public Builder optMaxLength(int maxLength) {
            if (maxLength < 3 || maxLength > 512) {
                throw new IllegalArgumentException("maxLength must be in [3, 512], got " + maxLength);
            }
            this.maxLength = maxLength;
            return this;
        }

        public Builder optBatchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** A fixed device, e.g. {@code Device.cpu()}; leave unset for the engine's default. */
        public Builder optDevice(Device device) {
            this.device = device;
            return this;
        }

        public Builder optCacheDirectory(Path cacheDirectory) {
            this.cacheDirectory = cacheDirectory;
            return this;
        }

        public EncoderOptions build() {
            return new EncoderOptions(this);
        }
    }
}
