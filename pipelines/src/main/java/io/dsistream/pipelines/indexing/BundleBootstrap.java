package io.dsistream.pipelines.indexing;

import io.dsistream.models.bundle.ModelRegistry;
import io.dsistream.models.encoder.EncoderOptions;
import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.encoder.TextEncoder;
import io.dsistream.models.eval.BeirDocument;
import io.dsistream.models.serving.IndexingBundle;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes sure the registry serves a model before the job starts: the newest version of {@code name}, or version 1
 * bootstrapped from k-means codebooks over the embeddings of the corpus's first documents.
 */
public final class BundleBootstrap {

    private BundleBootstrap() {
    }

    /**
     * @param firstDocuments the documents whose embeddings seed the codebooks (a few hundred are enough)
     * @param expectedDocuments the corpus size the ID space is sized for
     */
    public static IndexingBundle ensure(Path registry, String name, EncoderSpec spec, int maxLength,
                                        List<BeirDocument> firstDocuments, int expectedDocuments) {
        ModelRegistry models = new ModelRegistry(registry);
        if (models.latestVersion(name).isPresent()) {
            return IndexingBundle.latest(models, name).orElseThrow();
        }
        List<String> texts = new ArrayList<>(firstDocuments.size());
        for (BeirDocument document : firstDocuments) {
            texts.add(document.title() == null || document.title().isBlank() ? document.text()
                    : document.title() + " " + document.text());
        }
        try (TextEncoder encoder = TextEncoder.load(spec, EncoderOptions.builder().optMaxLength(maxLength).build())) {
            return IndexingBundle.latestOrBootstrap(models, name, encoder, spec, maxLength, texts, expectedDocuments);
        }
    }
}
