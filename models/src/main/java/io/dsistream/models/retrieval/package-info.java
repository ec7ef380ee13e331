/**
 * Retrieval by decoding (DSI §3.2, ASI++ §2.2): {@link io.dsistream.models.retrieval.IdModel} is a trained ID
 * model (optional quantizer, ID decoder, the documents' stored IDs) and
 * {@link io.dsistream.models.retrieval.GenerativeRetriever} answers a query with trie-constrained beam search over
 * it, ranking the documents of the returned leaves by decoder path score and dense dot product
 * ({@link io.dsistream.models.retrieval.RetrievalOptions}).
 */
package io.dsistream.models.retrieval;
