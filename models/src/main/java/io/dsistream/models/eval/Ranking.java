package io.dsistream.models.eval;

import java.util.List;

/**
 * A retriever's answer to one query: the top documents, best first, and how many documents it had to score
 * to find them ({@code docsScored}: the whole corpus for exhaustive dense search, the documents sharing a
 * term with the query for BM25, the documents in the decoded leaves for a DSI). The cost figure is what
 * makes a generative index comparable to exhaustive search at equal quality.
 */
public record Ranking(List<ScoredDoc> docs, long docsScored) {

    public Ranking {
        docs = List.copyOf(docs);
        if (docsScored < 0) {
            throw new IllegalArgumentException("docsScored must be >= 0, got " + docsScored);
        }
    }

    /** No documents found, none scored. */
    public static Ranking empty() {
        return new Ranking(List.of(), 0);
    }

    /** Number of documents returned. */
    public int size() {
        return docs.size();
    }
}
