package io.dsistream.pipelines.indexing;

import io.dsistream.models.serving.ComputeGate;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IndexingSettingsTest {

    @Test
    void queryPriorityAndTheEncoderSubBatchAreReadFromTheirKeys() {
        Configuration conf = new Configuration();
        conf.setString("dsi.query.priority", "exclusive");
        conf.setString("dsi.indexing.encode.sub-batch", "8");
        IndexingSettings settings = IndexingSettings.from(conf);
        assertEquals(ComputeGate.Mode.EXCLUSIVE, settings.queries().priority());
        assertEquals(8, settings.encodeSubBatch());

        conf.setString("dsi.query.priority", "OVERLAP");
        conf.setString("dsi.indexing.encode.sub-batch", "0");
        settings = IndexingSettings.from(conf);
        assertEquals(ComputeGate.Mode.OVERLAP, settings.queries().priority());
        assertEquals(0, settings.encodeSubBatch());

        conf.setString("dsi.query.priority", "off");
        assertEquals(ComputeGate.Mode.OFF, IndexingSettings.from(conf).queries().priority());
    }

    @Test
    void defaultsAreTheOptionsDefaults() {
        IndexingSettings settings = IndexingSettings.defaults();
        assertEquals(IndexingJobOptions.QUERY_PRIORITY.defaultValue(), settings.queries().priority());
        assertEquals(IndexingJobOptions.ENCODE_SUB_BATCH.defaultValue(), settings.encodeSubBatch());
        assertEquals(IndexingJobOptions.ENCODE_BATCH_SIZE.defaultValue(), settings.encodeBatchSize());
    }
}
