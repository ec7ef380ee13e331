package io.dsistream.models.asi;

/**
 * Shape and hyper-parameters of a {@link SemanticQuantizer}; immutable.
 *
 * @param kind which semantic indexing module (ASI++ appendix B.1)
 * @param positions L, the number of codes in an ID
 * @param codesPerPosition V, the codes each position can take; an ID space has V^L leaves
 * @param dimension H, the width of the encoder embedding the quantizer reads
 * @param hiddenSize width of the hidden layer of each per-position MLP (MLP only)
 * @param dropout dropout rate on that hidden layer while training (MLP only; ASI++ uses 0.2)
 * @param sinkhornEpsilon entropic regularisation ε of the Sinkhorn assignment (RQ/PQ; ASI++ table 4: 0.003)
 * @param sinkhornIterations Sinkhorn iterations (RQ/PQ; ASI++ table 4: 100); 0 gives a plain softmax
 * @param kMeansIterations Lloyd iterations of the k-means that initialises the codebooks (RQ/PQ)
 * @param seed seeds the MLP's initial weights and the codebooks' k-means, so equal options give equal quantizers
 */
public record QuantizerOptions(
        QuantizerKind kind,
        int positions,
        int codesPerPosition,
        int dimension,
        int hiddenSize,
        float dropout,
        float sinkhornEpsilon,
        int sinkhornIterations,
        int kMeansIterations,
        long seed) {

    /** Documents per leaf that {@link #forCorpus} aims at when the ID space is used evenly. */
    public static final int TARGET_DOCUMENTS_PER_LEAF = 4;

    public QuantizerOptions {
        if (kind == null) {
            throw new IllegalArgumentException("kind must be set");
        }
        if (positions < 1) {
            throw new IllegalArgumentException("positions must be at least 1, got " + positions);
        }
        if (codesPerPosition < 2) {
            throw new IllegalArgumentException("codesPerPosition must be at least 2, got " + codesPerPosition);
        }
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be at least 1, got " + dimension);
        }
        if (hiddenSize < 1) {
            throw new IllegalArgumentException("hiddenSize must be at least 1, got " + hiddenSize);
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (!(sinkhornEpsilon > 0f)) {
            throw new IllegalArgumentException("sinkhornEpsilon must be positive, got " + sinkhornEpsilon);
        }
        if (sinkhornIterations < 0) {
            throw new IllegalArgumentException("sinkhornIterations must not be negative, got " + sinkhornIterations);
        }
        if (kMeansIterations < 1) {
            throw new IllegalArgumentException("kMeansIterations must be at least 1, got " + kMeansIterations);
        }
        if (kind == QuantizerKind.PRODUCT && dimension % positions != 0) {
            throw new IllegalArgumentException("a product quantizer cuts the embedding into positions equal parts: "
                    + "dimension " + dimension + " is not divisible by positions " + positions);
        }
    }

    /**
     * The general default: MLP quantizer, L = 3 positions of V = 32 codes (32,768 leaves), hidden layer as wide
     * as the embedding, ASI++'s dropout and Sinkhorn settings. 32,768 leaves hold about 130k documents at
     * {@value #TARGET_DOCUMENTS_PER_LEAF} documents per leaf; use {@link #forCorpus} to size V to a corpus.
     */
    public static QuantizerOptions defaults(int dimension) {
        return new QuantizerOptions(QuantizerKind.MLP, 3, 32, dimension, dimension, 0.2f, 0.003f, 100, 25, 42L);
    }

    /**
     * Defaults sized to a corpus: L = 3 and the smallest V (a multiple of 8, from 8 to 256) whose V^3 leaves give
     * at most {@value #TARGET_DOCUMENTS_PER_LEAF} documents per leaf when the space is used evenly. SciFact (5,183
     * documents) gets V = 16 (4,096 leaves), 100k documents V = 32 (32,768), 1M documents V = 64 (262,144).
     *
     * <p>Why this many leaves: documents inside a leaf are ranked by a dense dot product, and retrieval scans
     * the documents of the leaves it selects. On SciFact (MiniLM-L6 embeddings, k-means RQ/PQ, leaves ranked by
     * the query's own code probabilities; {@code SciFactLeafBudgetITCase}), finer leaves gave more recall for the
     * same number of scanned documents: Recall@100 with 10% of the corpus scanned rose from 0.74 at V = 8
     * (11–19 documents per used leaf) to 0.78–0.79 at V = 16 (3–7) and 0.81–0.85 at V = 32 (2–4), against 0.925
     * for exhaustive dense retrieval. Finer leaves cost a wider beam (about 130 leaves of 4 documents for a 10%
     * budget on SciFact) and give the decoder more distinct IDs to learn from few training queries, so the
     * target stays at a few documents per leaf rather than one. Three positions keep decoding to three steps and
     * divide H = 384 (and 768) evenly, which the product quantizer needs; ASI++'s own L = 4, V = 256
     * (4.3·10^9 leaves) suits its 3.2M–13M document corpora.
     */
    public static QuantizerOptions forCorpus(int documents, int dimension) {
        if (documents < 1) {
            throw new IllegalArgumentException("documents must be at least 1, got " + documents);
        }
        double leavesWanted = Math.max(1.0, (double) documents / TARGET_DOCUMENTS_PER_LEAF);
        int codes = 8;
        while (codes < 256 && Math.pow(codes, 3) < leavesWanted) {
            codes += 8;
        }
        return defaults(dimension).withShape(3, codes);
    }

    /** Number of leaves of the ID space, V^L (saturates at {@link Long#MAX_VALUE}). */
    public long leaves() {
        long leaves = 1;
        for (int p = 0; p < positions; p++) {
            if (leaves > Long.MAX_VALUE / codesPerPosition) {
                return Long.MAX_VALUE;
            }
            leaves *= codesPerPosition;
        }
        return leaves;
    }

    public QuantizerOptions withKind(QuantizerKind newKind) {
        return new QuantizerOptions(newKind, positions, codesPerPosition, dimension, hiddenSize, dropout,
                sinkhornEpsilon, sinkhornIterations, kMeansIterations, seed);
    }

    public QuantizerOptions withShape(int newPositions, int newCodesPerPosition) {
        return new QuantizerOptions(kind, newPositions, newCodesPerPosition, dimension, hiddenSize, dropout,
                sinkhornEpsilon, sinkhornIterations, kMeansIterations, seed);
    }

    public QuantizerOptions withHiddenSize(int newHiddenSize) {
        return new QuantizerOptions(kind, positions, codesPerPosition, dimension, newHiddenSize, dropout,
                sinkhornEpsilon, sinkhornIterations, kMeansIterations, seed);
    }

    public QuantizerOptions withDropout(float newDropout) {
        return new QuantizerOptions(kind, positions, codesPerPosition, dimension, hiddenSize, newDropout,
                sinkhornEpsilon, sinkhornIterations, kMeansIterations, seed);
    }

    public QuantizerOptions withSinkhorn(float newEpsilon, int newIterations) {
        return new QuantizerOptions(kind, positions, codesPerPosition, dimension, hiddenSize, dropout,
                newEpsilon, newIterations, kMeansIterations, seed);
    }

    public QuantizerOptions withSeed(long newSeed) {
        return new QuantizerOptions(kind, positions, codesPerPosition, dimension, hiddenSize, dropout,
                sinkhornEpsilon, sinkhornIterations, kMeansIterations, newSeed);
    }
}
