package io.dsistream.operators.indexing;

import io.dsistream.models.bundle.ModelRegistry;
import io.dsistream.models.serving.IndexingBundle;

import java.nio.file.Path;

/** A named model in a registry directory: its newest version when the operator opens, or a version asked for. */
public final class RegistryBundleSource implements ModelBundleSource {

    private static final long serialVersionUID = 1L;

    private final String registryDirectory;
    private final String modelName;

    public RegistryBundleSource(Path registryDirectory, String modelName) {
        this.registryDirectory = registryDirectory.toAbsolutePath().toString();
        this.modelName = modelName;
    }

    @Override
    public IndexingBundle resolve() {
        ModelRegistry registry = new ModelRegistry(Path.of(registryDirectory));
        return IndexingBundle.latest(registry, modelName).orElseThrow(() -> new IllegalStateException(
                "model registry " + registryDirectory + " holds no version of model '" + modelName
                        + "': publish one (dsi demo bootstraps version 1) before starting the indexing job"));
    }

    @Override
    public IndexingBundle resolve(int version) {
        ModelRegistry registry = new ModelRegistry(Path.of(registryDirectory));
        return IndexingBundle.open(registry.bundleDirectory(modelName, version));
    }

    @Override
    public String modelName() {
        return modelName;
    }

    @Override
    public String toString() {
        return registryDirectory + "/" + modelName + " (latest)";
    }
}
