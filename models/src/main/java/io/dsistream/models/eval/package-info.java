/**
 * Retrieval evaluation without any streaming runtime: the BEIR dataset loader, the retrieval contract
 * ({@link io.dsistream.models.eval.Retriever}, {@link io.dsistream.models.eval.Ranking},
 * {@link io.dsistream.models.eval.ScoredDoc}), trec_eval-compatible metrics, the BM25 and exhaustive dense
 * baselines, a corpus-embedding cache, progress reporting and TREC run files. A generative retriever (DSI)
 * implements the same {@code Retriever} so that it is scored by exactly the same code as the baselines.
 */
package io.dsistream.models.eval;
