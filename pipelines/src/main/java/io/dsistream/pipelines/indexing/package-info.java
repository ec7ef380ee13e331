/**
 * The streaming indexing job: {@link io.dsistream.pipelines.indexing.IndexingJob} (sources and sinks passed in),
 * its typed options ({@link io.dsistream.pipelines.indexing.IndexingJobOptions}, parsed once into
 * {@link io.dsistream.pipelines.indexing.IndexingSettings}), the Flink configuration it needs
 * ({@link io.dsistream.pipelines.indexing.IndexingEnvironment}: RocksDB, checkpoints, restart strategy, no Kryo)
 * and its Kafka wiring ({@link io.dsistream.pipelines.indexing.IndexingTopics},
 * {@link io.dsistream.pipelines.indexing.KafkaConnectors}).
 */
package io.dsistream.pipelines.indexing;
