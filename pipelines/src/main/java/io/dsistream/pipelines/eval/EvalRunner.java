package io.dsistream.pipelines.eval;

import io.dsistream.models.encoder.EncoderOptions;
import io.dsistream.models.encoder.TextEncoder;
import io.dsistream.models.eval.BeirDataset;
import io.dsistream.models.eval.Bm25Retriever;
import io.dsistream.models.eval.CorpusVectors;
import io.dsistream.models.eval.DenseRetriever;
import io.dsistream.models.eval.EmbeddingCache;
import io.dsistream.models.eval.EmbeddingCacheKey;
import io.dsistream.models.eval.Evaluation;
import io.dsistream.models.eval.EvaluationResult;
import io.dsistream.models.eval.ProgressReporter;
import java.io.IOException;

/** Builds the retriever a method names and evaluates it on one split of a BEIR dataset. */
public final class EvalRunner {

    private final EvalSettings settings;

    public EvalRunner(EvalSettings settings) {
        this.settings = settings;
    }

    public EvaluationResult run(BeirDataset dataset) throws Exception {
        Evaluation evaluation = new Evaluation(dataset, settings.split())
                .withDepth(settings.depth())
                .withProgress(settings.showProgress());
        switch (settings.method()) {
            case BM25 -> {
                try (Bm25Retriever bm25 = new Bm25Retriever(dataset.corpus())) {
                    return evaluation.run(bm25);
                }
            }
            case DENSE -> {
                try (TextEncoder encoder = TextEncoder.load(settings.encoder(), encoderOptions())) {
                    CorpusVectors vectors = corpusVectors(dataset, encoder);
                    try (DenseRetriever dense = new DenseRetriever(encoder, vectors, settings.batchSize())) {
                        return evaluation.run(dense);
                    }
                }
            }
            default -> throw new IllegalStateException("no runner for method " + settings.method());
        }
    }

    private EncoderOptions encoderOptions() {
        return EncoderOptions.builder()
                .optMaxLength(settings.maxLength())
                .optBatchSize(settings.batchSize())
                .build();
    }

    /** The corpus vectors from the embedding cache, encoding (with a progress line) only what is not there. */
    private CorpusVectors corpusVectors(BeirDataset dataset, TextEncoder encoder) throws IOException {
        EmbeddingCacheKey key = EmbeddingCacheKey.forCorpusFile(settings.encoder().cliName(), settings.maxLength(),
                dataset.corpusFile());
        ProgressReporter progress = ProgressReporter.of(settings.showProgress(), "encoding corpus", "docs",
                dataset.corpus().size());
        return new EmbeddingCache(settings.cacheDirectory().resolve("embeddings"))
                .loadOrEncode(key, dataset.corpus(), encoder, settings.batchSize(), progress);
    }
}
