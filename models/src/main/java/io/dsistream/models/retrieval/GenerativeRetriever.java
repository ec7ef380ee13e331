package io.dsistream.models.retrieval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dsistream.models.asi.SemanticQuantizer;
import io.dsistream.models.encoder.Pooling;
import io.dsistream.models.encoder.TextEncoder;
import io.dsistream.models.encoder.TokenStates;
import io.dsistream.models.eval.CorpusVectors;
import io.dsistream.models.eval.Ranking;
import io.dsistream.models.eval.Retriever;
import io.dsistream.models.eval.ScoredDoc;
import io.dsistream.models.ids.ConstrainedBeamSearch;
import io.dsistream.models.ids.DocIdTrie;
import io.dsistream.models.ids.NextTokenScorer;
import io.dsistream.models.ids.ScoredId;
import io.dsistream.models.ids.SemanticId;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Retrieval as decoding (DSI §3.2; ASI++ §2.2): the query's token states go to the ID decoder, a beam search
 * constrained to the trie of stored IDs returns leaves, and the documents in those leaves are scored by
 * {@code w_dec · log p(ID | q) + w_dense · ⟨e_q, e_d⟩}. With a quantizer (ASI) the query's own ID joins the
 * candidates, and further leaves, ranked by the query's own code probabilities, fill a candidate budget
 * ({@link RetrievalOptions#candidateShare()}). {@link Ranking#docsScored()} is the number of documents scored.
 *
 * <p>Not thread-safe: one instance per thread. The trie is built once from the model's stored assignments.
 */
public final class GenerativeRetriever implements Retriever {

    private static final int QUERY_BATCH = 32;

    private final TextEncoder encoder;
    private final IdModel model;
    private final RetrievalOptions options;
    private final NDManager manager;
    private final DocIdTrie trie;
    private final ConstrainedBeamSearch search;
    private final Map<String, Integer> vectorRow = new HashMap<>();
    private final CorpusVectors vectors;
    private final List<SemanticId> leaves;
    private final int[][] leafCodes;
    private final int[] leafSizes;
    private final int candidateBudget;
    private final float[] centroids;
    /** The decoder's log p(ID | q) of every populated leaf for the current query, when the leaf ranking needed it. */
    private Map<SemanticId, Double> decoderScores;

    /**
     * @param encoder the frozen encoder for query texts; may be null when only {@link #rank} is used
     * @param vectors the corpus's document embeddings (needed when {@code denseWeight} ≠ 0)
     * @param manager parent of the per-query scopes
     */
    public GenerativeRetriever(TextEncoder encoder, IdModel model, CorpusVectors vectors, RetrievalOptions options,
                               NDManager manager) {
        this.encoder = encoder;
        this.model = model;
        this.options = options;
        this.manager = manager;
        this.trie = model.trie();
        this.search = ConstrainedBeamSearch.builder(model.vocabulary()).optBeamSize(options.beamSize()).build();
        this.vectors = vectors;
        if (vectors != null) {
            for (int i = 0; i < vectors.size(); i++) {
                vectorRow.put(vectors.docIds().get(i), i);
            }
            for (String docId : model.assignments().keySet()) {
                if (!vectorRow.containsKey(docId)) {
                    throw new IllegalArgumentException("document '" + docId + "' has an ID but no embedding");
                }
            }
        } else if (options.denseWeight() != 0f) {
            throw new IllegalArgumentException("denseWeight " + options.denseWeight() + " needs corpus vectors");
        }
        Map<SemanticId, Integer> sizes = trie.leafSizes();
        this.leaves = new ArrayList<>(sizes.keySet());
        this.leafCodes = new int[leaves.size()][];
        this.leafSizes = new int[leaves.size()];
        for (int i = 0; i < leaves.size(); i++) {
            leafCodes[i] = leaves.get(i).codes();
            leafSizes[i] = sizes.get(leaves.get(i));
        }
        this.candidateBudget = (int) Math.floor(options.candidateShare() * trie.size());
        this.centroids = vectors == null ? null : centroids();
    }

    /** Per populated leaf the mean of its documents' embeddings, {@code [leaves * H]}. */
    private float[] centroids() {
        int h = vectors.dimension();
        float[] sums = new float[leaves.size() * h];
        for (int i = 0; i < leaves.size(); i++) {
            List<String> members = trie.documents(leaves.get(i));
            for (String docId : members) {
                int offset = vectorRow.get(docId) * h;
                for (int j = 0; j < h; j++) {
                    sums[i * h + j] += vectors.vectors()[offset + j] / members.size();
                }
            }
        }
        return sums;
    }

    public RetrievalOptions options() {
        return options;
    }

    public DocIdTrie trie() {
        return trie;
    }

    @Override
    public Ranking search(String queryText, int k) {
        return searchAll(List.of(queryText), k).get(0);
    }

    @Override
    public List<Ranking> searchAll(List<String> queryTexts, int k) {
        if (encoder == null) {
            throw new IllegalStateException("this retriever has no encoder; use rank() with encoded queries");
        }
        List<Ranking> rankings = new ArrayList<>(queryTexts.size());
        for (int start = 0; start < queryTexts.size(); start += QUERY_BATCH) {
            List<String> batch = queryTexts.subList(start, Math.min(queryTexts.size(), start + QUERY_BATCH));
            try (NDManager scope = manager.newSubManager(); TokenStates states = encoder.encodeTokens(batch, scope)) {
                // (B, H) pooled like TextEncoder.embed, so the dense term matches the dense baseline
                NDArray pooled = Pooling.l2Normalize(encoder.spec().pooling().pool(states.hidden(),
                        states.attentionMask()));
                float[] flat = pooled.toFloatArray();
                int width = (int) pooled.getShape().get(1);
                for (int b = 0; b < batch.size(); b++) {
                    float[] query = Arrays.copyOfRange(flat, b * width, (b + 1) * width);
                    rankings.add(rank(states.hidden().get(b), states.attentionMask().get(b), query, k));
                }
            }
        }
        return rankings;
    }

    /**
     * The top {@code k} documents for one encoded query.
     *
     * @param memory {@code (S, H)} the query's token states
     * @param mask   {@code (S)} 1 = real token
     * @param query  {@code [H]} the query's pooled, L2-normalised embedding
     */
    public Ranking rank(NDArray memory, NDArray mask, float[] query, int k) {
        Map<SemanticId, Double> pathScores = new LinkedHashMap<>();
        decoderScores = null;
        NextTokenScorer scorer = model.decoder().scorerFor(memory, mask);
        for (ScoredId hit : search.search(trie, scorer)) {
            pathScores.putIfAbsent(hit.id(), hit.score());
        }
        int gathered = 0;
        for (SemanticId leaf : pathScores.keySet()) {
            gathered += trie.leafSize(leaf);
        }
        List<SemanticId> extra = new ArrayList<>();
        SemanticQuantizer quantizer = model.quantizer();
        boolean byCentroid = options.leafRanking() == LeafRanking.CENTROID && centroids != null;
        if (byCentroid && quantizer == null && candidateBudget > gathered) {
            gathered = fillBudget(centroidScores(query), pathScores, extra, gathered);
        }
        if (quantizer != null && (options.addQueryOwnId() || candidateBudget > 0)) {
            float[] logProbs = queryCodeLogProbs(quantizer, query); // (L * V)
            if (options.addQueryOwnId()) {
                for (SemanticId leaf : ownIdLeaves(logProbs)) {
                    if (!pathScores.containsKey(leaf) && !extra.contains(leaf)) {
                        extra.add(leaf);
                        gathered += trie.leafSize(leaf);
                    }
                }
            }
            if (candidateBudget > gathered) {
                gathered = fillBudget(leafScores(query, logProbs, scorer, byCentroid), pathScores, extra, gathered);
            }
        }
        if (!extra.isEmpty()) {
            Map<SemanticId, Double> scored = options.decoderWeight() == 0f ? null
                    : decoderScores != null ? decoderScores : DecoderPathScores.of(scorer, model.vocabulary(), extra);
            for (SemanticId leaf : extra) {
                pathScores.put(leaf, scored == null ? 0.0 : scored.get(leaf));
            }
        }
        return scoreDocuments(pathScores, query, k);
    }

    private Ranking scoreDocuments(Map<SemanticId, Double> pathScores, float[] query, int k) {
        PriorityQueue<ScoredDoc> best = new PriorityQueue<>(Comparator.comparingDouble(ScoredDoc::score));
        long scored = 0;
        for (Map.Entry<SemanticId, Double> leaf : pathScores.entrySet()) {
            String idText = leaf.getKey().toString();
            for (String docId : trie.documents(leaf.getKey())) {
                double score = options.decoderWeight() * leaf.getValue();
                if (options.denseWeight() != 0f) {
                    score += options.denseWeight() * dot(query, vectorRow.get(docId));
                }
                scored++;
                best.add(new ScoredDoc(docId, (float) score, idText));
                if (best.size() > k) {
                    best.poll();
                }
            }
        }
        List<ScoredDoc> docs = new ArrayList<>(best);
        docs.sort(Comparator.comparingDouble(ScoredDoc::score).reversed().thenComparing(ScoredDoc::docId));
        return new Ranking(docs, scored);
    }

    /** Leaves of the query's own ID: the leaf itself when populated, else those under its longest populated prefix. */
    private List<SemanticId> ownIdLeaves(float[] logProbs) {
        int positions = model.vocabulary().maxLength();
        int codes = model.vocabulary().codesPerPosition();
        int[] own = new int[positions];
        for (int p = 0; p < positions; p++) {
            int best = 0;
            for (int c = 1; c < codes; c++) {
                if (logProbs[p * codes + c] > logProbs[p * codes + best]) {
                    best = c;
                }
            }
            own[p] = best;
        }
        SemanticId id = SemanticId.of(own);
        if (trie.leafSize(id) > 0) {
            return List.of(id);
        }
        // a sparse back-off: at most as many leaves as the beam returns
        return trie.populatedLeavesUnder(trie.longestPopulatedPrefix(id), options.beamSize());
    }

    /** Per populated leaf its score under {@link RetrievalOptions#leafRanking()}. */
    private double[] leafScores(float[] query, float[] logProbs, NextTokenScorer scorer, boolean byCentroid) {
        decoderScores = null;
        if (byCentroid) {
            return centroidScores(query);
        }
        LeafRanking ranking = options.leafRanking();
        if (ranking != LeafRanking.DECODER && ranking != LeafRanking.DECODER_AND_CODE) {
            return codeScores(logProbs);
        }
        decoderScores = DecoderPathScores.of(scorer, model.vocabulary(), leaves);
        double[] code = ranking == LeafRanking.DECODER_AND_CODE ? codeScores(logProbs) : new double[leaves.size()];
        double[] score = new double[leaves.size()];
        for (int i = 0; i < leaves.size(); i++) {
            score[i] = decoderScores.get(leaves.get(i)) + code[i];
        }
        return score;
    }

    /** Per populated leaf Σ_i log p(c_i | q). */
    private double[] codeScores(float[] logProbs) {
        int codes = model.vocabulary().codesPerPosition();
        double[] score = new double[leaves.size()];
        for (int i = 0; i < leaves.size(); i++) {
            double sum = 0;
            int[] leaf = leafCodes[i];
            for (int p = 0; p < leaf.length; p++) {
                sum += logProbs[p * codes + leaf[p]];
            }
            score[i] = sum;
        }
        return score;
    }

    /** Per populated leaf the dot product of the query with the leaf's centroid. */
    private double[] centroidScores(float[] query) {
        int h = query.length;
        double[] score = new double[leaves.size()];
        for (int i = 0; i < leaves.size(); i++) {
            double sum = 0;
            for (int j = 0; j < h; j++) {
                sum += query[j] * centroids[i * h + j];
            }
            score[i] = sum;
        }
        return score;
    }

    /** Adds leaves best first by {@code score} while the documents gathered stay within the budget. */
    private int fillBudget(double[] score, Map<SemanticId, Double> chosen, List<SemanticId> extra, int gathered) {
        Integer[] order = new Integer[leaves.size()];
        for (int i = 0; i < leaves.size(); i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
        for (Integer i : order) {
            if (gathered >= candidateBudget) {
                break;
            }
            SemanticId leaf = leaves.get(i);
            if (leafSizes[i] + gathered > candidateBudget || chosen.containsKey(leaf) || extra.contains(leaf)) {
                continue;
            }
            extra.add(leaf);
            gathered += leafSizes[i];
        }
        return gathered;
    }

    /** The query's code log-probabilities {@code [L * V]} from the quantizer in inference mode. */
    private float[] queryCodeLogProbs(SemanticQuantizer quantizer, float[] query) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray embedding = scope.create(query, new Shape(1, query.length)); // (1, H)
            return quantizer.forward(embedding, false).logCodeProbabilities().toFloatArray(); // (1, L, V)
        }
    }

    private double dot(float[] query, int row) {
        float[] all = vectors.vectors();
        int offset = row * vectors.dimension();
        double sum = 0;
        for (int j = 0; j < query.length; j++) {
            sum += query[j] * all[offset + j];
        }
        return sum;
    }
}
