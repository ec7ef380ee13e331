package io.dsistream.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Optional;

/**
 * What a model-update event with a generation asks of the index; on the wire {@code "build"}, {@code "ready"} or
 * {@code "drop"}. An index generation is the whole trie assigned with one model version, kept in its own keyed state.
 */
public enum GenerationStage {
    /** Re-assign every document with the event's version into generation g, beside the one queries read. */
    @JsonProperty("build")
    BUILD("build"),
    /** Generation g is complete: queries (and new documents) switch to it and the event's version together. */
    @JsonProperty("ready")
    READY("ready"),
    /** Drop the generation before g, once the queries planned on it have been answered. */
    @JsonProperty("drop")
    DROP("drop");

    private final String wireName;

    GenerationStage(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The stage spelled exactly {@code wireName}, or empty. */
    public static Optional<GenerationStage> fromWireName(String wireName) {
        for (GenerationStage stage : values()) {
            if (stage.wireName.equals(wireName)) {
                return Optional.of(stage);
            }
        }
        return Optional.empty();
    }
}
