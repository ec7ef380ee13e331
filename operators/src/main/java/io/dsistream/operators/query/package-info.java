/**
 * The query path of the job: parse and validate ({@link io.dsistream.operators.query.ParseQueries}), plan with the
 * model ({@link io.dsistream.operators.query.AsyncRetrieve}), split the plan by trie key
 * ({@link io.dsistream.operators.query.SplitByTrieKey}), look the leaves up in the trie's own keyed state
 * ({@link io.dsistream.operators.indexing.TrieIndex}), and gather the parts into one answer
 * ({@link io.dsistream.operators.query.Gather}). Thin: the retrieval logic is in
 * {@code io.dsistream.models.retrieval}.
 */
package io.dsistream.operators.query;
