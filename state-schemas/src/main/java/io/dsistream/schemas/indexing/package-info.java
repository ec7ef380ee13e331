/**
 * The records that flow between the indexing job's operators and the keyed state they keep, all Flink POJOs
 * (public fields, public no-arg constructor, primitive arrays) so the job runs with
 * {@code pipeline.generic-types: false} and state can gain fields later.
 *
 * <p>Flow: {@link io.dsistream.schemas.indexing.SourceDocument} (raw Kafka bytes and coordinates) →
 * {@link io.dsistream.schemas.indexing.IndexRequest} (parsed, normalised; embedding and ID filled in by the encode
 * and assign steps) → {@link io.dsistream.schemas.indexing.IndexChange} (add to or remove from a leaf) → the trie's
 * {@link io.dsistream.schemas.indexing.LeafDocument} entries and
 * {@link io.dsistream.schemas.indexing.LeafSizeChange} events for the balance monitor. The upsert/delete step keeps
 * one {@link io.dsistream.schemas.indexing.DocumentEntry} per document id.
 */
package io.dsistream.schemas.indexing;
