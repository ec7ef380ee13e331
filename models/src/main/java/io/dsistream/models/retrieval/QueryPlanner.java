package io.dsistream.models.retrieval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.dsistream.models.asi.SemanticQuantizer;
import io.dsistream.models.decoder.IdDecoder;
import io.dsistream.models.encoder.Pooling;
import io.dsistream.models.encoder.TextEncoder;
import io.dsistream.models.encoder.TokenStates;
import io.dsistream.models.ids.IdVocabulary;
import io.dsistream.models.ids.NextTokenScorer;
import io.dsistream.models.ids.ScoredId;
import io.dsistream.models.ids.SemanticId;
import io.dsistream.models.ids.VocabularyBeamSearch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The first stage of retrieval, done without the trie: one encoder pass for a batch of queries, then per query
 * the decoder's beam search over the whole ID space (DSI §3.2, when the model has a decoder) and the quantizer's
 * best IDs for the query's own embedding (ASI++ §2.2: "the query's ID as a candidate"), the first of which is the
 * query's own ID. Candidates the beam did not propose get their decoder path score in one more decoder call.
 *
 * <p>Holds no model: the caller owns the encoder, quantizer and decoder. Not thread-safe.
 */
public final class QueryPlanner {

    private final TextEncoder encoder;
    private final SemanticQuantizer quantizer;
    private final IdDecoder decoder;
    private final IdVocabulary vocabulary;
    private final StreamingRetrievalOptions options;
    private final VocabularyBeamSearch beamSearch;

    /**
     * @param quantizer the semantic indexing module (required: it proposes the query's own IDs)
     * @param decoder   the ID decoder, or null for a quantizer-only model (a bootstrapped bundle)
     */
    public QueryPlanner(TextEncoder encoder, SemanticQuantizer quantizer, IdDecoder decoder,
                        StreamingRetrievalOptions options) {
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.quantizer = Objects.requireNonNull(quantizer, "quantizer");
        this.decoder = decoder;
        this.options = Objects.requireNonNull(options, "options");
        this.vocabulary = new IdVocabulary(quantizer.options().positions(), quantizer.options().codesPerPosition());
        if (decoder != null && !decoder.vocabulary().equals(vocabulary)) {
            throw new IllegalArgumentException("the decoder's vocabulary " + decoder.vocabulary()
                    + " differs from the quantizer's " + vocabulary);
        }
        this.beamSearch = new VocabularyBeamSearch(vocabulary, options.beamSize());
    }

    public IdVocabulary vocabulary() {
        return vocabulary;
    }

    public StreamingRetrievalOptions options() {
        return options;
    }

    /** One plan per query text, in order. */
    public List<QueryPlan> plan(List<String> queryTexts) {
        List<QueryPlan> plans = new ArrayList<>(queryTexts.size());
        if (queryTexts.isEmpty()) {
            return plans;
        }
        try (NDManager scope = encoder.manager().newSubManager();
             TokenStates states = encoder.encodeTokens(queryTexts, scope)) {
            // (B, H), pooled and normalised as TextEncoder.embed does, so dense scores match the dense baseline
            NDArray pooled = Pooling.l2Normalize(encoder.spec().pooling().pool(states.hidden(),
                    states.attentionMask()));
            int width = (int) pooled.getShape().get(1);
            float[] vectors = pooled.toFloatArray();
            int codeCount = vocabulary.maxLength() * vocabulary.codesPerPosition();
            float[] logProbs = quantizer.forward(pooled, false)
                    .logCodeProbabilities().toFloatArray(); // (B, L, V)
            for (int b = 0; b < queryTexts.size(); b++) {
                float[] query = Arrays.copyOfRange(vectors, b * width, (b + 1) * width);
                float[] codeLogProbs = Arrays.copyOfRange(logProbs, b * codeCount, (b + 1) * codeCount);
                NextTokenScorer scorer = decoder == null ? null
                        : decoder.scorerFor(states.hidden().get(b), states.attentionMask().get(b));
                plans.add(new QueryPlan(query, candidates(scorer, codeLogProbs), codeLogProbs));
            }
        }
        return plans;
    }

    private List<CandidateLeaf> candidates(NextTokenScorer scorer, float[] codeLogProbs) {
        Map<SemanticId, Double> scores = new LinkedHashMap<>();
        if (scorer != null) {
            for (ScoredId hit : beamSearch.search(scorer)) {
                scores.put(hit.id(), hit.score());
            }
        }
        List<SemanticId> unscored = new ArrayList<>();
        for (ScoredId hit : VocabularyBeamSearch.topFactorised(codeLogProbs, vocabulary, options.quantizerLeaves())) {
            if (!scores.containsKey(hit.id())) {
                scores.put(hit.id(), null);
                unscored.add(hit.id());
            }
        }
        Map<SemanticId, Double> pathScores = scorer == null || options.decoderWeight() == 0f || unscored.isEmpty()
                ? Map.of() : DecoderPathScores.of(scorer, vocabulary, unscored);
        List<CandidateLeaf> candidates = new ArrayList<>(scores.size());
        for (Map.Entry<SemanticId, Double> entry : scores.entrySet()) {
            Double score = entry.getValue() != null ? entry.getValue() : pathScores.getOrDefault(entry.getKey(), 0.0);
            candidates.add(new CandidateLeaf(entry.getKey(), score));
        }
        return candidates;
    }
}
