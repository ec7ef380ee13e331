/**
 * The operators of the streaming indexing job, in flow order: {@link io.dsistream.operators.indexing.ParseDocuments}
 * (validation, dead letters), {@link io.dsistream.operators.indexing.NormalizeText} (optional augmentation,
 * truncation of over-long text), {@link io.dsistream.operators.indexing.AsyncEncode} (a batching encoder
 * worker behind a {@code RichAsyncFunction}), {@link io.dsistream.operators.indexing.AssignId} (the bundle's
 * semantic indexing module), {@link io.dsistream.operators.indexing.UpsertDelete} (keyed by document id),
 * {@link io.dsistream.operators.indexing.TrieIndex} (keyed by ID prefix; RocksDB map state) and
 * {@link io.dsistream.operators.indexing.BalanceMonitor} (balance gauges and index-health reports); with index
 * generations, {@link io.dsistream.operators.indexing.GenerationCoordinator} (when a new generation is complete).
 * Each is a shell
 * over {@code io.dsistream.models}; metric names are in {@link io.dsistream.operators.indexing.IndexingMetrics}.
 */
package io.dsistream.operators.indexing;
