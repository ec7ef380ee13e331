package io.dsistream.models.decoder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dsistream.models.ids.IdVocabulary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shape of an {@link IdDecoder}; stored as JSON next to the weights in a model bundle so the same block can be
 * rebuilt before its parameters are loaded.
 *
 * @param vocabulary   the ID token vocabulary (PAD/BOS/EOS + one token per (position, code)); output size
 * @param layers       number of decoder layers
 * @param width        model width D of every layer
 * @param heads        attention heads; must divide {@code width}
 * @param ffnWidth     inner width of the position-wise feed-forward network (usually 4 × width)
 * @param dropout      dropout rate on embeddings, attention weights and residual branches while training, in [0, 1)
 * @param memoryWidth  width H of the encoder states the decoder attends to; projected to {@code width} when different
 * @param tiedOutput   whether the output projection reuses the token embedding table (plus its own bias)
 */
public record DecoderOptions(
        IdVocabulary vocabulary,
        int layers,
        int width,
        int heads,
        int ffnWidth,
        float dropout,
        int memoryWidth,
        boolean tiedOutput) {

    // A bundle's options must be complete: a missing field is an error, not a silent 0.
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    public DecoderOptions {
        if (vocabulary == null) {
            throw new IllegalArgumentException("vocabulary must be set");
        }
        requirePositive("layers", layers);
        requirePositive("width", width);
        requirePositive("heads", heads);
        requirePositive("ffnWidth", ffnWidth);
        requirePositive("memoryWidth", memoryWidth);
        if (width % heads != 0) {
            throw new IllegalArgumentException("width " + width + " is not divisible by heads " + heads);
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
    }

    /**
     * The defaults: 2 layers of width 384 (the MiniLM / bge-small encoder width, so no memory projection), 6 heads
     * of 64, FFN 4 × 384, dropout 0.1, tied output. Small because the target "language" is only L tokens long
     * over L·V symbols; ASI++ uses a 6-layer BART-base decoder for corpora of millions of documents.
     */
    public static DecoderOptions defaults(IdVocabulary vocabulary) {
        return new DecoderOptions(vocabulary, 2, 384, 6, 4 * 384, 0.1f, 384, true);
    }

    /** Longest decoder input: BOS plus every code position (the last step predicts EOS). */
    public int maxInputLength() {
        return vocabulary.maxLength() + 1;
    }

    /** A copy with another memory width, for encoders whose hidden size differs from the decoder width. */
    public DecoderOptions withMemoryWidth(int newMemoryWidth) {
        return new DecoderOptions(vocabulary, layers, width, heads, ffnWidth, dropout, newMemoryWidth, tiedOutput);
    }

    /** A copy with another dropout rate. */
    public DecoderOptions withDropout(float newDropout) {
        return new DecoderOptions(vocabulary, layers, width, heads, ffnWidth, newDropout, memoryWidth, tiedOutput);
    }

    /** This record as one JSON object. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write decoder options as JSON", e);
        }
    }

    /** Parses {@link #toJson()}'s output; unknown or invalid fields are errors that name the field. */
    public static DecoderOptions fromJson(String json) {
        try {
            return JSON.readValue(json, DecoderOptions.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid decoder options JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Writes {@link #toJson()} to a file (UTF-8). */
    public void write(Path file) {
        try {
            Files.writeString(file, toJson(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write decoder options to " + file, e);
        }
    }

    /** Reads options written by {@link #write(Path)}. */
    public static DecoderOptions read(Path file) {
        try {
            return fromJson(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read decoder options from " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static void requirePositive(String field, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(field + " must be at least 1, got " + value);
        }
    }
}
