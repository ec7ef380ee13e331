package io.dsistream.pipelines.cluster;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The written config.yaml reads back in Flink, and gives the JVM flags Flink's BashJavaUtils prints for it. */
class ClusterConfigFileTest {

    @TempDir
    Path dir;

    @Test
    void configReadsBackAndGivesBashJavaUtilsMemoryFlags() throws Exception {
        Path work = dir.resolve("work dir"); // a space: paths are quoted in the YAML
        ClusterConfigFile.write(work.resolve("conf"), new ClusterConfigFile.Values(work, work.resolve("registry"),
                "localhost:9092", 8081, 6123, "1024m", "3072m", 2));
        Configuration conf = GlobalConfiguration.loadConfiguration(work.resolve("conf").toString());
        assertEquals("rocksdb", conf.getString("state.backend.type", null));
        assertEquals(work.toAbsolutePath().resolve("savepoints").toUri().toString(),
                conf.getString("execution.checkpointing.savepoint-dir", null));
        assertEquals("ai.djl.", conf.getString("classloader.parent-first-patterns.additional", null));
        assertEquals("localhost:9092", conf.getString("dsi.kafka.bootstrap-servers", null));
        assertEquals(work.toAbsolutePath().resolve("registry").toString(),
                conf.getString("dsi.indexing.model.registry", null));

        // What `BashJavaUtils GET_JM_RESOURCE_PARAMS` / `GET_TM_RESOURCE_PARAMS --configDir conf` printed for this
        // file (run by hand): 1024m JM process → 448 MiB heap; 3072m TM process, 512m task off-heap, managed 0.25.
        JobManagerProcessSpec jm = JobManagerProcessUtils.processSpecFromConfig(conf);
        assertEquals("-Xmx469762048 -Xms469762048 -XX:MaxMetaspaceSize=268435456",
                JobManagerProcessUtils.generateJvmParametersStr(jm, conf));
        TaskExecutorProcessSpec tm = TaskExecutorProcessUtils.processSpecFromConfig(conf);
        assertEquals("-Xmx1038845208 -Xms1038845208 -XX:MaxDirectMemorySize=934155390 -XX:MaxMetaspaceSize=268435456",
                ProcessMemoryUtils.generateJvmParametersStr(tm));
        String dynamic = TaskExecutorProcessUtils.generateDynamicConfigsStr(tm);
        assertTrue(dynamic.contains("-D taskmanager.memory.managed.size=657666866b"), dynamic);
        assertTrue(dynamic.contains("-D taskmanager.numberOfTaskSlots=2"), dynamic);
    }
}
