/**
 * Kafka plumbing of the pipelines: a real single-node KRaft broker started as its own JVM from the Maven
 * classpath, for the demo and the integration tests ({@link io.dsistream.pipelines.kafka.EmbeddedKafkaBroker}).
 */
package io.dsistream.pipelines.kafka;
