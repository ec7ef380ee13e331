package io.dsistream.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.Objects;

/**
 * A model-update event on the {@code model-updates} topic. {@code {"model": "scifact", "version": 2}}: version N of
 * the named model is published in the registry and the job's model operators should serve it (a hot swap; the trie
 * keeps its IDs). With a generation ({@code "generation": g, "stage": "build" | "ready" | "drop"}, see
 * {@link GenerationStage}) it drives an index generation instead: build generation g with version N beside the one
 * served, switch to it once complete, drop the one before. Generation 0 (the field absent) is a plain swap. A Flink
 * POJO.
 */
@JsonPropertyOrder({"model", "version", "generation", "stage"})
public class ModelUpdateRecord {

    public String model;
    public int version;
    /** 0: a plain version swap; g &ge; 1: the index generation {@link #stage} is about. */
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    public int generation;
    /** Null for a plain swap; what to do with {@link #generation} otherwise. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public GenerationStage stage;

    public ModelUpdateRecord() {
    }

    public ModelUpdateRecord(String model, int version) {
        this.model = model;
        this.version = version;
    }

    public ModelUpdateRecord(String model, int version, int generation, GenerationStage stage) {
        if (generation < 1 || stage == null) {
            throw new IllegalArgumentException("a generation event needs a generation >= 1 and a stage, got "
                    + generation + " " + stage);
        }
        this.model = model;
        this.version = version;
        this.generation = generation;
        this.stage = stage;
    }

    /** True for an event about an index generation, false for a plain version swap. */
    public boolean isGeneration() {
        return generation > 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelUpdateRecord that && version == that.version && generation == that.generation
                && stage == that.stage && Objects.equals(model, that.model);
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, version, generation, stage);
    }

    @Override
    public String toString() {
        return model + "/v" + version + (generation > 0 ? " generation " + generation + " " + stage.wireName() : "");
    }
}
