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

    @Override
    public String toString() {
        return directory;
    }
}
