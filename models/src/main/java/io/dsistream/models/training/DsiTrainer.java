package io.dsistream.models.training;

import ai.djl.ndarray.NDManager;
import io.dsistream.models.eval.CorpusVectors;
import io.dsistream.models.ids.AtomicIds;
import io.dsistream.models.ids.DocIdTrie;
import io.dsistream.models.ids.HierarchicalKMeansIds;
import io.dsistream.models.ids.IdVocabulary;
import io.dsistream.models.ids.NaiveStringIds;
import io.dsistream.models.ids.SemanticId;
import io.dsistream.models.retrieval.RetrievalOptions;

import java.io.PrintStream;
import java.util.List;

/**
 * Trains DSI's baselines (Tay et al. 2022): the ID decoder alone, with fixed docids — semantic string IDs from
 * hierarchical k-means (k = 10, c = 100) over the document vectors, naive string IDs (the document ID's digits) or
 * atomic IDs (one output token per document) — on the indexing task (first 32 tokens → docid) and the retrieval
 * task (query → docid) co-trained in the ratio {@code indexingRepeat : qrelsRepeat}, plus the self-supervised pairs.
 * The loss is the decoder's teacher-forced cross-entropy.
 */
public final class DsiTrainer {

    private final TrainingOptions options;
    private final PrintStream log;
    private DecoderShape decoderShape;

    public DsiTrainer(TrainingOptions options, PrintStream log) {
        if (TrainingOptions.ASI.equals(options.method())) {
            throw new IllegalArgumentException("DsiTrainer trains the dsi-* methods, got " + options.method());
        }
        this.options = options;
        this.log = log;
    }

    /** The fixed IDs of the corpus in its order, for this trainer's method. */
    public List<SemanticId> ids(CorpusVectors documents) {
        return switch (options.method()) {
            case TrainingOptions.DSI_SEMANTIC -> new HierarchicalKMeansIds(HierarchicalKMeansIds.DEFAULT_K,
                    HierarchicalKMeansIds.DEFAULT_C, options.seed()).assign(JointTrainingLoop.rows(documents));
            case TrainingOptions.DSI_NAIVE -> new NaiveStringIds().assign(documents.docIds());
            case TrainingOptions.DSI_ATOMIC -> AtomicIds.assign(documents.docIds());
            default -> throw new IllegalStateException("no ID scheme for " + options.method());
        };
    }

    /** The smallest vocabulary holding {@code ids} for this trainer's method. */
    public IdVocabulary vocabulary(List<SemanticId> ids) {
        int longest = ids.stream().mapToInt(SemanticId::length).max().orElse(1);
        return switch (options.method()) {
            case TrainingOptions.DSI_SEMANTIC -> new HierarchicalKMeansIds().vocabulary(ids);
            case TrainingOptions.DSI_NAIVE -> new NaiveStringIds().vocabulary(longest);
            default -> AtomicIds.vocabulary(ids.size());
        };
    }

    /** Trains a decoder of this shape instead of {@code DecoderOptions.defaults} (small models for tests). */
    public DsiTrainer withDecoderShape(DecoderShape shape) {
        this.decoderShape = shape;
        return this;
    }

    public TrainingResult train(NDManager manager, TrainingData data, EncodedTexts texts, CorpusVectors documents) {
        List<SemanticId> ids = ids(documents);
        IdVocabulary vocabulary = vocabulary(ids);
        boolean prefixFree = prefixFree(ids);
        log.println(options.method() + " IDs: " + ids.size() + " documents, vocabulary " + vocabulary
                + (prefixFree ? "" : ", not prefix-free (EOS ends an ID)"));
        return new JointTrainingLoop(options, log, decoderShape).run(manager, data, texts, documents, null, ids, vocabulary,
                prefixFree, RetrievalOptions.dsiDefaults());
    }

    /** Whether no ID is a proper prefix of another. */
    public static boolean prefixFree(List<SemanticId> ids) {
        DocIdTrie trie = new DocIdTrie();
        for (int i = 0; i < ids.size(); i++) {
            trie.add(Integer.toString(i), ids.get(i));
        }
        for (SemanticId id : ids) {
            if (!trie.children(id).isEmpty()) {
                return false;
            }
        }
        return true;
    }
}
