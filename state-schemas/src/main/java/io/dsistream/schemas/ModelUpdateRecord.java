package io.dsistream.schemas;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.Objects;

/**
 * A model-update event on the {@code model-updates} topic: {@code {"model": "scifact", "version": 2}} — version N of
 * the named model is published in the registry and the job's model operators should serve it. A Flink POJO.
 */
@JsonPropertyOrder({"model", "version"})
public class ModelUpdateRecord {

    public String model;
    public int version;

    public ModelUpdateRecord() {
    }

    public ModelUpdateRecord(String model, int version) {
        this.model = model;
        this.version = version;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelUpdateRecord that && version == that.version && Objects.equals(model, that.model);
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, version);
    }

    @Override
    public String toString() {
        return model + "/v" + version;
    }
}
