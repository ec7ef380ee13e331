package io.dsistream.pipelines.cluster;

import io.dsistream.pipelines.indexing.IndexingJobOptions;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cluster entry point's options: config.yaml below program arguments; clear errors for what is missing. */
class ClusterJobMainTest {

    @Test
    void programArgumentsOverrideTheClusterConfiguration() {
        Configuration cluster = new Configuration();
        cluster.setString("dsi.kafka.bootstrap-servers", "kafka:9092");
        cluster.setString("dsi.indexing.encode.batch-size", "32");
        cluster.setString("state.backend.type", "rocksdb");
        Configuration options = ClusterJobMain.options(cluster, new String[] {
            "--dsi.indexing.encode.batch-size", "16", "--dsi.indexing.model.name", "scifact"});
        assertEquals("kafka:9092", options.get(ClusterJobOptions.BOOTSTRAP_SERVERS));
        assertEquals(16, options.get(IndexingJobOptions.ENCODE_BATCH_SIZE));
        assertEquals("scifact", options.get(IndexingJobOptions.MODEL_NAME));
        assertEquals("rocksdb", options.getString("state.backend.type", null));
        assertEquals("dsi-indexing", options.get(ClusterJobOptions.TRANSACTIONAL_ID_PREFIX));
    }

    @Test
    void missingBootstrapServersOrARelativeRegistryAreNamed() {
        Configuration options = new Configuration();
        IllegalArgumentException noKafka = assertThrows(IllegalArgumentException.class,
                () -> ClusterJobMain.build(options));
        assertTrue(noKafka.getMessage().contains("dsi.kafka.bootstrap-servers"), noKafka.getMessage());

        options.setString("dsi.kafka.bootstrap-servers", "kafka:9092");
        options.setString("dsi.indexing.model.registry", "relative/registry");
        IllegalArgumentException relative = assertThrows(IllegalArgumentException.class,
                () -> ClusterJobMain.build(options));
        assertTrue(relative.getMessage().contains("dsi.indexing.model.registry"), relative.getMessage());

        options.setString("dsi.indexing.model.registry", "/shared/registry");
        assertNotNull(ClusterJobMain.build(options));
    }
}
