package io.dsistream.models.retrieval;

import io.dsistream.models.eval.Ranking;
import io.dsistream.models.eval.ScoredDoc;
import io.dsistream.models.ids.SemanticId;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Answers candidate leaves from a {@link TrieView}: the second stage of retrieval. A candidate ID that holds
 * documents is scored as it is; an empty one backs off to the first populated leaves (code order) under its
 * longest populated prefix, no shorter than {@code minPrefixLength} (the streaming job's trie key: a part never
 * leaves its key's subtree). The back-off leaves are the populated ones under that prefix that the query's own code
 * log-probabilities rank best ({@code Σ_i log p(c_i | q)}, ties to code order). A leaf reached by several
 * candidates keeps the best decoder score. Each document is
 * scored {@code w_dec · log p(ID | q) + w_dense · ⟨e_q, e_d⟩}; ties go to the smaller document id, so parts
 * answered apart and {@link #merge merged} give the same top-k as one lookup over all candidates.
 */
public final class LeafLookup {

    private LeafLookup() {
    }

    /** Orders hits best first: higher score, then smaller document id. */
    public static final Comparator<ScoredDoc> BEST_FIRST =
            Comparator.comparingDouble(ScoredDoc::score).reversed().thenComparing(ScoredDoc::docId);

    /** The top {@code k} documents of the candidates' leaves and how many documents were scored. */
    /**
     * @param codeLogProbs the query's code log-probabilities {@code [L * V]} (ranks back-off leaves)
     */
    public static Ranking search(TrieView view, List<CandidateLeaf> candidates, float[] query, float[] codeLogProbs,
                                 int k, StreamingRetrievalOptions options, int codesPerPosition, int minPrefixLength) {
        view = new MemoizedCounts(view); // candidates share prefixes: each count is read once per search
        Map<SemanticId, Double> leaves = new LinkedHashMap<>();
        for (CandidateLeaf candidate : candidates) {
            for (SemanticId leaf : leavesFor(view, candidate.id(), codeLogProbs, codesPerPosition, minPrefixLength,
                    options.backoffLeaves())) {
                leaves.merge(leaf, candidate.decoderScore(), Math::max);
            }
        }
        PriorityQueue<ScoredDoc> best = new PriorityQueue<>(BEST_FIRST.reversed());
        long scored = 0;
        for (Map.Entry<SemanticId, Double> leaf : leaves.entrySet()) {
            String idText = leaf.getKey().toString();
            double decoderPart = options.decoderWeight() * leaf.getValue();
            for (TrieView.LeafMember member : view.members(leaf.getKey())) {
                double score = decoderPart + options.denseWeight() * dot(query, member.vector());
                best.add(new ScoredDoc(member.docId(), (float) score, idText));
                if (best.size() > k) {
                    best.poll();
                }
                scored++;
            }
        }
        List<ScoredDoc> docs = new ArrayList<>(best);
        docs.sort(BEST_FIRST);
        return new Ranking(docs, scored);
    }

    /** The top {@code k} of several parts' answers (their leaves are disjoint); documents scored add up. */
    public static Ranking merge(List<Ranking> parts, int k) {
        List<ScoredDoc> all = new ArrayList<>();
        long scored = 0;
        for (Ranking part : parts) {
            all.addAll(part.docs());
            scored += part.docsScored();
        }
        all.sort(BEST_FIRST);
        return new Ranking(all.subList(0, Math.min(k, all.size())), scored);
    }

    /**
     * The candidate itself when populated, else the {@code limit} populated leaves under its longest populated
     * prefix that {@code codeLogProbs} rank best.
     */
    static List<SemanticId> leavesFor(TrieView view, SemanticId id, float[] codeLogProbs, int codesPerPosition,
                                      int minPrefixLength, int limit) {
        if (view.documentsUnder(id) > 0) {
            return List.of(id);
        }
        for (int length = id.length() - 1; length >= minPrefixLength; length--) {
            SemanticId prefix = id.prefix(length);
            if (view.documentsUnder(prefix) > 0) {
                List<SemanticId> populated = new ArrayList<>();
                collectLeaves(view, prefix, id.length(), codesPerPosition, populated);
                List<SemanticId> ranked = new ArrayList<>(populated); // code order: the stable sort keeps it on ties
                ranked.sort(Comparator.comparingDouble((SemanticId leaf) ->
                        codeScore(leaf, codeLogProbs, codesPerPosition)).reversed());
                return ranked.subList(0, Math.min(limit, ranked.size()));
            }
        }
        return List.of();
    }

    private static double codeScore(SemanticId leaf, float[] codeLogProbs, int codesPerPosition) {
        double sum = 0;
        for (int p = 0; p < leaf.length(); p++) {
            sum += codeLogProbs[p * codesPerPosition + leaf.code(p)];
        }
        return sum;
    }

    /** Every populated leaf under {@code prefix}, in code order. */
    private static void collectLeaves(TrieView view, SemanticId prefix, int leafLength, int codesPerPosition,
                                      List<SemanticId> found) {
        for (int code = 0; code < codesPerPosition; code++) {
            SemanticId child = prefix.append(code);
            if (view.documentsUnder(child) > 0) {
                if (child.length() == leafLength) {
                    found.add(child);
                } else {
                    collectLeaves(view, child, leafLength, codesPerPosition, found);
                }
            }
        }
    }

    /** A view that reads each prefix count once; members are not cached (each leaf is scored once anyway). */
    private static final class MemoizedCounts implements TrieView {
        private final TrieView view;
        private final Map<SemanticId, Integer> counts = new java.util.HashMap<>();

        MemoizedCounts(TrieView view) {
            this.view = view;
        }

        @Override
        public int documentsUnder(SemanticId prefix) {
            return counts.computeIfAbsent(prefix, view::documentsUnder);
        }

        @Override
        public List<LeafMember> members(SemanticId leaf) {
            return view.members(leaf);
        }
    }

    private static double dot(float[] query, float[] document) {
        if (document.length != query.length) {
            throw new IllegalArgumentException("a document embedding has " + document.length
                    + " dimensions, the query " + query.length);
        }
        double sum = 0;
        for (int j = 0; j < query.length; j++) {
            sum += query[j] * document[j];
        }
        return sum;
    }
}
