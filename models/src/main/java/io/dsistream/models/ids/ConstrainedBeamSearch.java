package io.dsistream.models.ids;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Beam search over a {@link DocIdTrie}: the decoder may only emit IDs that hold documents (DSI §3.2: "beam search
 * navigates this trie to decode the correct docid"). ASI++ decodes without constraints; constraining never returns
 * an ID that points nowhere, which a streaming index, with most of its ID space empty, needs.
 *
 * <p>At each step every live beam goes to the {@link NextTokenScorer} in one call. A beam at trie node {@code n}
 * may continue with the code tokens of {@code n}'s children; when {@code n} is a complete ID that also has
 * children (a naive string docid that is the prefix of another), EOS is allowed too and ends the beam at {@code n}.
 * A beam that reaches a complete node without children, or {@code maxLength}, ends without an EOS step: prefix-free
 * IDs need no end marker. A beam's score is the sum of its tokens' log-probabilities: raw decoder log-probabilities
 * by default, or renormalised over the allowed tokens of each step ({@link Builder#optRenormalize}), which makes
 * the score the log-probability of the path under the decoder restricted to the trie.
 *
 * <p>Each step ranks all continuations of all live beams, keeps the best {@code beamSize} that still go on, and
 * collects every continuation that ends; the best {@code beamSize} ended ones are the result. Log-probabilities are
 * at most 0, so a path's score never rises: the search stops once {@code beamSize} IDs have ended and no live
 * beam scores above the worst of them. Ties keep the order of the previous step's beams, then code order.
 *
 * <p>Stateless and thread-safe; the scorer it is given need not be.
 */
public final class ConstrainedBeamSearch {

    public static final int DEFAULT_BEAM_SIZE = 10;

    private final IdVocabulary vocabulary;
    private final int beamSize;
    private final boolean renormalize;
    private final int maxLength;

    private ConstrainedBeamSearch(Builder builder) {
        this.vocabulary = builder.vocabulary;
        this.beamSize = builder.beamSize;
        this.renormalize = builder.renormalize;
        this.maxLength = builder.maxLength;
    }

    /** A search over IDs of {@code vocabulary}: beam size 10, raw log-probabilities, the vocabulary's maxLength. */
    public static Builder builder(IdVocabulary vocabulary) {
        return new Builder(vocabulary);
    }

    public int beamSize() {
        return beamSize;
    }

    public boolean renormalize() {
        return renormalize;
    }

    public int maxLength() {
        return maxLength;
    }

    /**
     * Decodes the best IDs of {@code trie} under {@code scorer}.
     *
     * @return at most {@code beamSize} ended beams, best score first; empty when the trie is
     */
    public List<ScoredId> search(DocIdTrie trie, NextTokenScorer scorer) {
        List<ScoredId> ended = new ArrayList<>(beamSize + 1);
        List<Beam> live = new ArrayList<>();
        if (trie.root().childCount() > 0) {
            live.add(new Beam(new int[0], new int[0], trie.root(), 0.0));
        }
        while (!live.isEmpty()) {
            List<int[]> prefixes = new ArrayList<>(live.size());
            for (Beam beam : live) {
                prefixes.add(beam.tokens);
            }
            float[][] logProbs = scorer.nextTokenLogProbs(prefixes);
            requireShape(logProbs, live.size());

            List<Continuation> continuations = new ArrayList<>();
            for (int b = 0; b < live.size(); b++) {
                expand(live.get(b), logProbs[b], continuations);
            }
            // Stable: equal scores keep beam order, then code order with EOS last.
            continuations.sort(Comparator.comparingDouble((Continuation c) -> c.score).reversed());

            List<Beam> next = new ArrayList<>(beamSize);
            for (Continuation continuation : continuations) {
                Beam beam = continuation.beam;
                if (continuation.childIndex < 0) {
                    offer(ended, new ScoredId(SemanticId.of(beam.codes), continuation.score));
                    continue;
                }
                DocIdTrie.Node child = beam.node.childAt(continuation.childIndex);
                int code = beam.node.childCode(continuation.childIndex);
                int length = beam.codes.length + 1;
                if (child.childCount() == 0 || length == maxLength) {
                    // A complete node without children ends here; a node at maxLength that is not complete only
                    // leads to IDs longer than the decoder can emit, so it is dropped.
                    if (child.isComplete()) {
                        offer(ended, new ScoredId(SemanticId.of(append(beam.codes, code)), continuation.score));
                    }
                } else if (next.size() < beamSize) {
                    int[] tokens = append(beam.tokens, vocabulary.token(beam.codes.length, code));
                    next.add(new Beam(tokens, append(beam.codes, code), child, continuation.score));
                }
            }
            live = next;
            if (ended.size() == beamSize && !live.isEmpty()
                    && live.get(0).score <= ended.get(beamSize - 1).score()) {
                break;
            }
        }
        return List.copyOf(ended);
    }

    private void expand(Beam beam, float[] logProbs, List<Continuation> continuations) {
        DocIdTrie.Node node = beam.node;
        int position = beam.codes.length;
        int children = node.childCount();
        boolean endAllowed = node.isComplete();
        double normaliser = 0.0;
        if (renormalize) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < children; i++) {
                max = Math.max(max, allowedLogProb(logProbs, vocabulary.token(position, node.childCode(i)), beam));
            }
            if (endAllowed) {
                max = Math.max(max, allowedLogProb(logProbs, IdVocabulary.EOS, beam));
            }
            if (max != Double.NEGATIVE_INFINITY) {
                double sum = 0.0;
                for (int i = 0; i < children; i++) {
                    sum += Math.exp(logProbs[vocabulary.token(position, node.childCode(i))] - max);
                }
                if (endAllowed) {
                    sum += Math.exp(logProbs[IdVocabulary.EOS] - max);
                }
                normaliser = max + Math.log(sum);
            }
        }
        for (int i = 0; i < children; i++) {
            double logProb = allowedLogProb(logProbs, vocabulary.token(position, node.childCode(i)), beam);
            continuations.add(new Continuation(beam, i, beam.score + logProb - normaliser));
        }
        if (endAllowed) {
            double logProb = allowedLogProb(logProbs, IdVocabulary.EOS, beam);
            continuations.add(new Continuation(beam, -1, beam.score + logProb - normaliser));
        }
    }

    private static double allowedLogProb(float[] logProbs, int token, Beam beam) {
        float logProb = logProbs[token];
        if (Float.isNaN(logProb)) {
            throw new IllegalStateException("scorer returned NaN for token " + token + " after prefix "
                    + SemanticId.of(beam.codes));
        }
        return logProb;
    }

    private void requireShape(float[][] logProbs, int prefixes) {
        if (logProbs == null || logProbs.length != prefixes) {
            throw new IllegalStateException("scorer returned " + (logProbs == null ? "null" : logProbs.length + " rows")
                    + " for " + prefixes + " prefixes");
        }
        for (int b = 0; b < prefixes; b++) {
            if (logProbs[b] == null || logProbs[b].length != vocabulary.size()) {
                throw new IllegalStateException("scorer row " + b + " has "
                        + (logProbs[b] == null ? "no" : String.valueOf(logProbs[b].length))
                        + " log-probabilities, expected the vocabulary size " + vocabulary.size());
            }
        }
    }

    /** Keeps {@code ended} sorted best first and at most {@code beamSize} long; a tie goes to the earlier one. */
    private void offer(List<ScoredId> ended, ScoredId candidate) {
        if (ended.size() == beamSize && candidate.score() <= ended.get(beamSize - 1).score()) {
            return;
        }
        int at = ended.size();
        while (at > 0 && ended.get(at - 1).score() < candidate.score()) {
            at--;
        }
        ended.add(at, candidate);
        if (ended.size() > beamSize) {
            ended.remove(beamSize);
        }
    }

    private static int[] append(int[] values, int value) {
        int[] longer = Arrays.copyOf(values, values.length + 1);
        longer[values.length] = value;
        return longer;
    }

    /** A live hypothesis: its code tokens (no BOS), its codes, its trie node and its path score. */
    private record Beam(int[] tokens, int[] codes, DocIdTrie.Node node, double score) {
    }

    /** One way to extend a beam: a child by index, or EOS ({@code childIndex = -1}). */
    private record Continuation(Beam beam, int childIndex, double score) {
    }

    /** Settings of a {@link ConstrainedBeamSearch}. */
    public static final class Builder {
        private final IdVocabulary vocabulary;
        private int beamSize = DEFAULT_BEAM_SIZE;
        private boolean renormalize;
        private int maxLength;

        private Builder(IdVocabulary vocabulary) {
            if (vocabulary == null) {
                throw new IllegalArgumentException("vocabulary must not be null");
            }
            this.vocabulary = vocabulary;
            this.maxLength = vocabulary.maxLength();
        }

        /** Live beams kept per step and IDs returned; default 10. */
        public Builder optBeamSize(int beamSize) {
            if (beamSize < 1) {
                throw new IllegalArgumentException("beamSize must be at least 1, got " + beamSize);
            }
            this.beamSize = beamSize;
            return this;
        }

        /**
         * Whether each step's log-probabilities are renormalised over the tokens the trie allows ({@code log p -
         * logsumexp(allowed)}); default false: raw decoder log-probability sums.
         */
        public Builder optRenormalize(boolean renormalize) {
            this.renormalize = renormalize;
            return this;
        }

        /** Most codes an ID may have; default and upper bound: the vocabulary's maxLength. */
        public Builder optMaxLength(int maxLength) {
            if (maxLength < 1 || maxLength > vocabulary.maxLength()) {
                throw new IllegalArgumentException("maxLength must be in 1.." + vocabulary.maxLength() + ", got "
                        + maxLength);
            }
            this.maxLength = maxLength;
            return this;
        }

        public ConstrainedBeamSearch build() {
            return new ConstrainedBeamSearch(this);
        }
    }
}
