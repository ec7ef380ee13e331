package io.dsistream.models.ids;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Beam search over the whole ID space of a vocabulary, with no trie: every code is allowed at every position. The
 * streaming query path decodes this way, because the trie lives in keyed state spread over the job's subtasks;
 * an ID that turns out to hold no documents backs off to the populated leaves under its longest populated prefix
 * where the trie is ({@code io.dsistream.models.retrieval.LeafLookup}). IDs have exactly {@code maxLength} codes
 * (the learned schemes are prefix-free and fixed-length), so no EOS step is scored.
 *
 * <p>At each position all continuations of all beams are ranked and the best {@code beamSize} kept; equal scores
 * keep beam order, then code order. Stateless and thread-safe; the scorer it is given need not be.
 */
public final class VocabularyBeamSearch {

    private final IdVocabulary vocabulary;
    private final int beamSize;

    public VocabularyBeamSearch(IdVocabulary vocabulary, int beamSize) {
        if (beamSize < 1) {
            throw new IllegalArgumentException("beamSize must be at least 1, got " + beamSize);
        }
        this.vocabulary = vocabulary;
        this.beamSize = beamSize;
    }

    /** The best {@code beamSize} full-length IDs under {@code scorer}, best first. */
    public List<ScoredId> search(NextTokenScorer scorer) {
        List<SemanticId> beams = List.of(SemanticId.EMPTY);
        double[] scores = {0.0};
        int codes = vocabulary.codesPerPosition();
        for (int position = 0; position < vocabulary.maxLength(); position++) {
            List<int[]> prefixes = new ArrayList<>(beams.size());
            for (SemanticId beam : beams) {
                prefixes.add(beam.tokens(vocabulary));
            }
            float[][] logProbs = scorer.nextTokenLogProbs(prefixes);
            List<ScoredId> continuations = new ArrayList<>(beams.size() * codes);
            for (int b = 0; b < beams.size(); b++) {
                for (int code = 0; code < codes; code++) {
                    continuations.add(new ScoredId(beams.get(b).append(code),
                            scores[b] + logProbs[b][vocabulary.token(position, code)]));
                }
            }
            continuations.sort(Comparator.comparingDouble(ScoredId::score).reversed()); // stable
            List<ScoredId> kept = continuations.subList(0, Math.min(beamSize, continuations.size()));
            beams = kept.stream().map(ScoredId::id).toList();
            scores = kept.stream().mapToDouble(ScoredId::score).toArray();
        }
        List<ScoredId> result = new ArrayList<>(beams.size());
        for (int b = 0; b < beams.size(); b++) {
            result.add(new ScoredId(beams.get(b), scores[b]));
        }
        return result;
    }

    /**
     * The best {@code count} IDs by {@code Σ_p logProbs[p][c_p]}, for scores that factorise over positions (the
     * quantizer's code distributions): a beam of width {@code count} is exact here, because any prefix of a top-
     * {@code count} ID is beaten by fewer than {@code count} prefixes of the same length.
     *
     * @param logProbs {@code [L * V]} per-position code log-probabilities, position-major
     */
    public static List<ScoredId> topFactorised(float[] logProbs, IdVocabulary vocabulary, int count) {
        int codes = vocabulary.codesPerPosition();
        NextTokenScorer scorer = prefixes -> {
            float[][] rows = new float[prefixes.size()][vocabulary.size()];
            for (int i = 0; i < rows.length; i++) {
                int position = prefixes.get(i).length;
                for (int code = 0; code < codes; code++) {
                    rows[i][vocabulary.token(position, code)] = logProbs[position * codes + code];
                }
            }
            return rows;
        };
        return new VocabularyBeamSearch(vocabulary, count).search(scorer);
    }
}
