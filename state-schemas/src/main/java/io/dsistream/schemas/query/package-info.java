/**
 * Records that flow between the query operators of the job (Flink POJOs, never on a topic): a parsed query with
 * its plan ({@link io.dsistream.schemas.query.QueryRequest}), its parts for the trie's keys
 * ({@link io.dsistream.schemas.query.LeafQuery}), their answers ({@link io.dsistream.schemas.query.LeafHits}) and
 * what the gatherer needs to know to finish it ({@link io.dsistream.schemas.query.QueryHeader}).
 */
package io.dsistream.schemas.query;
