package io.dsistream.pipelines.eval;

import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.retrieval.LeafRanking;
import java.nio.file.Path;

/**
 * What one {@code dsi eval} run does, parsed once from the command line.
 *
 * @param model       the bundle directory of a generative method, else null
 * @param retrieval   overrides of the generative retriever's options (each null keeps the method's default);
 *                    {@code leafCapacity} re-assigns an ASI corpus's IDs with the bundle's quantizer
 */
public record EvalSettings(Path dataset, String split, RetrievalMethod method, EncoderSpec encoder, int maxLength,
                           int batchSize, int depth, boolean showProgress, Path cacheDirectory, Path model,
                           RetrievalOverrides retrieval) {

    /** Generative retrieval settings given on the command line; null fields keep the defaults. */
    public record RetrievalOverrides(Integer beamSize, Float decoderWeight, Float denseWeight, Double candidateShare,
                                     LeafRanking leafRanking, CandidateSelection candidates, Integer quantizerLeaves,
                                     Integer leafCapacity) {
        public static final RetrievalOverrides NONE = new RetrievalOverrides(null, null, null, null, null, null, null,
                null);
    }

    /** How an asi model picks the leaves whose documents are scored. */
    public enum CandidateSelection {
        /** Trie-constrained beam, the query's own ID, then leaves up to a share of the corpus (offline only). */
        BUDGET,
        /** What the streaming job does: decoder beam over the ID space and the quantizer's best IDs, with back-off. */
        PLANNED
    }

    public EvalSettings {
        if (maxLength < 8) {
            throw new IllegalArgumentException("--max-length must be at least 8 tokens, got " + maxLength);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        }
        if (depth < 1 || depth > 10_000) {
            throw new IllegalArgumentException("--depth must be between 1 and 10000, got " + depth);
        }
        if (method.generative() && model == null) {
            throw new IllegalArgumentException("--method " + method.cliName() + " needs --model BUNDLE_DIR");
        }
        retrieval = retrieval == null ? RetrievalOverrides.NONE : retrieval;
    }

    /** A short label for tables and run files, e.g. {@code bm25} or {@code dense-minilm}. */
    public String methodLabel() {
        return method == RetrievalMethod.DENSE ? method.cliName() + "-" + encoder.cliName() : method.cliName();
    }
}
