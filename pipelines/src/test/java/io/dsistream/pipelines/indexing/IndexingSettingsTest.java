package io.dsistream.pipelines.indexing;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IndexingSettingsTest {

    @Test
    void queryPriorityAndTheEncoderSubBatchAreReadFromTheirKeys() {
        Configuration conf = new Configuration();
        conf.setString("dsi.query.priority", "false");
        conf.setString("dsi.indexing.encode.sub-batch", "8");
        IndexingSettings settings = IndexingSettings.from(conf);
        assertFalse(settings.queries().priority());
        assertEquals(8, settings.encodeSubBatch());

        conf.setString("dsi.query.priority", "true");
        conf.setString("dsi.indexing.encode.sub-batch", "0");
        settings = IndexingSettings.from(conf);
        assertTrue(settings.queries().priority());
        assertEquals(0, settings.encodeSubBatch());
    }

    @Test
    void defaultsAreTheOptionsDefaults() {
        IndexingSettings settings = IndexingSettings.defaults();
        assertEquals(IndexingJobOptions.QUERY_PRIORITY.defaultValue(), settings.queries().priority());
        assertEquals(IndexingJobOptions.ENCODE_SUB_BATCH.defaultValue(), settings.encodeSubBatch());
        assertEquals(IndexingJobOptions.ENCODE_BATCH_SIZE.defaultValue(), settings.encodeBatchSize());
    }
}
