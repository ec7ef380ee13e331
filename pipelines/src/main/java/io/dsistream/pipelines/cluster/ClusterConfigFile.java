package io.dsistream.pipelines.cluster;


import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The configuration directory of the standalone cluster: {@code config.yaml} (Flink 2.x reads only that name) and
 * {@code log4j.properties}. The cluster's settings live here, not in the job's code: RocksDB with incremental
 * checkpoints, checkpoint and savepoint directories, checkpoints retained on cancellation (a cancelled job can be
 * resubmitted from its last checkpoint), the restart strategy, DJL parent-first, and the Prometheus reporter.
 * {@code docker/flink/config.yaml} is the same file for the compose cluster.
 */
public final class ClusterConfigFile {

    /** Flink's own Prometheus reporter (flink-metrics-prometheus, on the cluster classpath). */
    public static final String PROMETHEUS_REPORTER_FACTORY = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

    /** Name of the reporter in {@code metrics.reporters}. */
    public static final String REPORTER = "prom";

    private ClusterConfigFile() {
    }

    /** What differs from one cluster to the next: directories, ports, sizes. */
    public record Values(Path workDirectory, Path registry, String bootstrapServers, int restPort, int rpcPort,
                         String jobManagerMemory, String taskManagerMemory, int taskSlots) {
    }

    /** The options, in the order they are written. */
    public static Map<String, String> options(Values v) {
        Path work = v.workDirectory().toAbsolutePath();
        Map<String, String> o = new LinkedHashMap<>();
        o.put("jobmanager.rpc.address", "localhost");
        o.put("jobmanager.rpc.port", Integer.toString(v.rpcPort()));
        o.put("jobmanager.bind-host", "localhost");
        o.put("taskmanager.bind-host", "localhost");
        o.put("taskmanager.host", "localhost");
        o.put("rest.address", "localhost");
        o.put("rest.bind-address", "localhost");
        o.put("rest.port", Integer.toString(v.restPort()));
        o.put("jobmanager.memory.process.size", v.jobManagerMemory());
        o.put("taskmanager.memory.process.size", v.taskManagerMemory());
        // PyTorch allocates outside the JVM: reserve it as task off-heap memory, and give RocksDB a smaller share.
        o.put("taskmanager.memory.task.off-heap.size", "512m");
        o.put("taskmanager.memory.managed.fraction", "0.25");
        o.put("taskmanager.numberOfTaskSlots", Integer.toString(v.taskSlots()));
        o.put("parallelism.default", Integer.toString(v.taskSlots()));
        o.put("state.backend.type", "rocksdb");
        o.put("execution.checkpointing.incremental", "true");
        o.put("execution.checkpointing.dir", work.resolve("checkpoints").toUri().toString());
        o.put("execution.checkpointing.savepoint-dir", work.resolve("savepoints").toUri().toString());
        o.put("execution.checkpointing.interval", "2 s");
        o.put("execution.checkpointing.min-pause", "500 ms");
        o.put("execution.checkpointing.mode", "EXACTLY_ONCE");
        o.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        o.put("execution.checkpointing.num-retained", "2");
        o.put("restart-strategy.type", "fixed-delay");
        o.put("restart-strategy.fixed-delay.attempts", "10");
        o.put("restart-strategy.fixed-delay.delay", "2 s");
        o.put("pipeline.generic-types", "false");
        // Native libraries load once per JVM: DJL's classes must come from the cluster's classpath, never from a
        // job jar's class loader (Flink loads user code child-first by default).
        o.put("classloader.parent-first-patterns.additional", "ai.djl.");
        o.put("metrics.reporters", REPORTER);
        o.put("metrics.reporter." + REPORTER + ".factory.class", PROMETHEUS_REPORTER_FACTORY);
        o.put("metrics.fetcher.update-interval", "2000");
        o.put("io.tmp.dirs", work.resolve("tmp").toString());
        o.put("web.upload.dir", work.resolve("web-upload").toString());
        o.put("web.tmpdir", work.resolve("tmp").resolve("web").toString());
        o.put("rest.server.max-content-length", Integer.toString(256 * 1024 * 1024));
        o.put("dsi.kafka.bootstrap-servers", v.bootstrapServers());
        o.put("dsi.indexing.model.registry", v.registry().toAbsolutePath().toString());
        return o;
    }

    /** Writes {@code config.yaml} and {@code log4j.properties} into {@code confDirectory}. */
    public static void write(Path confDirectory, Values values) throws IOException {
        Files.createDirectories(confDirectory);
        StringBuilder yaml = new StringBuilder("# Written by dsi cluster up; rewritten at every start.\n");
        options(values).forEach((key, value) -> yaml.append(key).append(": ").append(quote(value)).append('\n'));
        Files.writeString(confDirectory.resolve("config.yaml"), yaml, StandardCharsets.UTF_8);
        Files.writeString(confDirectory.resolve("log4j.properties"), LOG4J, StandardCharsets.UTF_8);
    }

    /** Single-quoted YAML scalar: paths and URIs contain ':' and may contain spaces. */
    private static String quote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** Each process logs into {@code ${sys:log.file}}, as with Flink's scripts. */
    private static final String LOG4J = String.join("\n",
            "monitorInterval = 0",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.file.ref = MainAppender",
            "logger.kafka.name = org.apache.kafka",
            "logger.kafka.level = WARN",
            "logger.cuda.name = ai.djl.util.cuda.CudaUtils",
            "logger.cuda.level = ERROR",
            "appender.main.name = MainAppender",
            "appender.main.type = File",
            "appender.main.append = true",
            "appender.main.fileName = ${sys:log.file}",
            "appender.main.layout.type = PatternLayout",
            "appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
            "");
}
