package io.dsistream.operators.indexing;

import io.dsistream.models.serving.IndexingBundle;

import java.nio.file.Path;

/** One model bundle directory, e.g. what {@code dsi train --out DIR} wrote, served as it is. */
public final class DirectoryBundleSource implements ModelBundleSource {

    private static final long serialVersionUID = 1L;

    private final String directory;

    public DirectoryBundleSource(Path directory) {
        this.directory = directory.toAbsolutePath().toString();
    }

    @Override
    public IndexingBundle resolve() {
        return IndexingBundle.open(Path.of(directory));
    }

    /** This directory's bundle, which must be version {@code version}: a directory holds one version. */
    @Override
    public IndexingBundle resolve(int version) {
        IndexingBundle bundle = resolve();
        if (bundle.manifest().version() != version) {
            throw new IllegalStateException("bundle directory " + directory + " holds version "
                    + bundle.manifest().version() + " of " + bundle.manifest().name() + ", not version " + version
                    + "; serve a registry to switch versions");
        }
        return bundle;
    }

    @Override
    public String modelName() {
        return resolve().manifest().name();
    }

    @Override
    public String toString() {
        return directory;
    }
}
