package io.dsistream.operators.indexing;

import io.dsistream.models.serving.IndexingBundle;

import java.io.Serializable;

/**
 * Where an operator finds its model bundle when it opens. Serializable, since it travels with the job graph; the
 * bundle itself is loaded on the task manager. A trained ASI bundle plugs in by being published to the registry
 * (or by another implementation of this interface).
 */
public interface ModelBundleSource extends Serializable {

    /** The bundle to serve when no version has been chosen yet (the newest). */
    IndexingBundle resolve();

    /** Version {@code version} of the same model, for a model-update event or a restore. */
    IndexingBundle resolve(int version);

    /** The name of the model served; model-update events for other names are ignored. */
    String modelName();
}
