package io.dsistream.operators.indexing;

import io.dsistream.models.serving.IndexingBundle;

import java.io.Serializable;

/**
 * Where an operator finds its model bundle when it opens. Serializable, since it travels with the job graph; the
 * bundle itself is loaded on the task manager. A trained ASI bundle plugs in by being published to the registry
 * (or by another implementation of this interface).
 */
@FunctionalInterface
public interface ModelBundleSource extends Serializable {

    IndexingBundle resolve();
}
