package io.dsistream.pipelines.indexing;

import org.apache.flink.configuration.Configuration;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The Flink configuration the indexing job runs with (Flink 2.x sets these as configuration, not through the
 * environment): RocksDB keyed state with incremental checkpoints to a local directory, exactly-once checkpoints
 * every few seconds, a fixed-delay restart strategy, no Kryo ({@code pipeline.generic-types: false}), and a 5 ms
 * network buffer timeout so queries are not held in half-full buffers.
 */
public final class IndexingEnvironment {

    /** Default checkpoint interval: output becomes visible to read_committed readers at each checkpoint. */
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(2);

    private IndexingEnvironment() {
    }

    /** The configuration for a job whose RocksDB files and checkpoints live under {@code stateDirectory}. */
    public static Configuration configuration(Path stateDirectory, Duration checkpointInterval) {
        Configuration conf = new Configuration();
        Path state = stateDirectory.toAbsolutePath();
        conf.setString("state.backend.type", "rocksdb");
        conf.setString("state.backend.rocksdb.localdir", state.resolve("rocksdb").toString());
        conf.setString("execution.checkpointing.dir", state.resolve("checkpoints").toUri().toString());
        conf.setString("execution.checkpointing.incremental", "true");
        conf.setString("execution.checkpointing.interval", checkpointInterval.toMillis() + " ms");
        conf.setString("execution.checkpointing.mode", "EXACTLY_ONCE");
        // Unaligned: the trie operator and the gatherer join the document path and the query path; an aligned barrier
        // would hold every query until the barrier has crossed the encoder's document backlog (seconds when documents
        // arrive near the encoder's rate). Unaligned barriers overtake the queued records, which go into the
        // checkpoint instead.
        conf.setString("execution.checkpointing.unaligned.enabled", "true");
        conf.setString("execution.checkpointing.min-pause", Math.min(500, checkpointInterval.toMillis() / 2) + " ms");
        conf.setString("restart-strategy.type", "fixed-delay");
        conf.setString("restart-strategy.fixed-delay.attempts", "10");
        conf.setString("restart-strategy.fixed-delay.delay", "1 s");
        conf.setString("pipeline.generic-types", "false");
        // A query crosses three keyed exchanges (trie key, query id, sink); with Flink's default 100 ms buffer
        // timeout each could hold it that long. 0 flushes after every record: at this job's record rates (tens to
        // hundreds per second, each costing an encoder pass) the extra flushes cost nothing measurable.
        conf.setString("execution.buffer-timeout.interval", "0 ms");
        return conf;
    }
}
