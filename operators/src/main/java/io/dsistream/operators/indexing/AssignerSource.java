package io.dsistream.operators.indexing;

import io.dsistream.models.serving.IdAssigner;

import java.io.Serializable;

/**
 * Opens the semantic indexing module of a model version, for re-assigning documents into a new index generation.
 * Serializable: it travels with the job graph; the assigner is opened on the task manager.
 */
@FunctionalInterface
public interface AssignerSource extends Serializable {

    /** Version {@code version}'s assigner; the caller closes it. */
    IdAssigner open(int version);

    /** The quantizer of each version of {@code bundles}. */
    static AssignerSource of(ModelBundleSource bundles) {
        return version -> bundles.resolve(version).openAssigner();
    }
}
