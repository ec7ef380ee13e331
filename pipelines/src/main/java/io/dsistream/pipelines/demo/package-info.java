/**
 * The embedded indexing deployment behind {@code dsi demo} and {@code dsi bench ingest}: a real KRaft broker in its
 * own JVM, a Flink MiniCluster with the Web UI, RocksDB state in a local directory, the bundled encoder, and a
 * producer that streams a corpus into {@code documents} at a set rate while read_committed consumers count what
 * the job commits ({@link io.dsistream.pipelines.demo.EmbeddedIndexing}, {@link io.dsistream.pipelines.demo.IngestStats}).
 */
package io.dsistream.pipelines.demo;
