package io.dsistream.models.retrieval;

import io.dsistream.models.eval.CorpusVectors;
import io.dsistream.models.eval.Ranking;
import io.dsistream.models.eval.Retriever;
import io.dsistream.models.ids.DocIdTrie;
import io.dsistream.models.ids.SemanticId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The streaming job's retrieval, run offline over an in-memory trie: {@link QueryPlanner} proposes leaves without
 * the trie, {@link LeafLookup} answers them with the same back-off the job's trie operator applies (never above
 * {@code minPrefixLength} codes, the job's trie key). Given the same bundle, assignments and vectors, it returns
 * what {@code dsi demo} streams back, so {@code dsi eval} predicts the served quality. Not thread-safe.
 */
public final class PlannedLeafRetriever implements Retriever {

    private static final int QUERY_BATCH = 32;

    private final QueryPlanner planner;
    private final int minPrefixLength;
    private final TrieView view;

    /**
     * @param trie            the stored ID of every document
     * @param vectors         every document's embedding
     * @param minPrefixLength the job's trie key length ({@code dsi.indexing.trie.key-prefix-length})
     */
    public PlannedLeafRetriever(QueryPlanner planner, DocIdTrie trie, CorpusVectors vectors, int minPrefixLength) {
        this.planner = planner;
        this.minPrefixLength = minPrefixLength;
        Map<String, Integer> rows = new HashMap<>();
        for (int i = 0; i < vectors.size(); i++) {
            rows.put(vectors.docIds().get(i), i);
        }
        this.view = new TrieView() {
            @Override
            public int documentsUnder(SemanticId prefix) {
                return trie.documentsUnder(prefix);
            }

            @Override
            public List<LeafMember> members(SemanticId leaf) {
                List<LeafMember> members = new ArrayList<>();
                for (String docId : trie.documents(leaf)) {
                    Integer row = rows.get(docId);
                    if (row == null) {
                        throw new IllegalArgumentException("document '" + docId + "' has an ID but no embedding");
                    }
                    members.add(new LeafMember(docId, vectors.vector(row)));
                }
                return members;
            }
        };
    }

    @Override
    public Ranking search(String queryText, int k) {
        return searchAll(List.of(queryText), k).get(0);
    }

    @Override
    public List<Ranking> searchAll(List<String> queryTexts, int k) {
        List<Ranking> rankings = new ArrayList<>(queryTexts.size());
        for (int start = 0; start < queryTexts.size(); start += QUERY_BATCH) {
            for (QueryPlan plan : planner.plan(queryTexts.subList(start, Math.min(queryTexts.size(),
                    start + QUERY_BATCH)))) {
                rankings.add(LeafLookup.search(view, plan.candidates(), plan.vector(), plan.codeLogProbs(), k,
                        planner.options(), planner.vocabulary().codesPerPosition(), minPrefixLength));
            }
        }
        return rankings;
    }
}
