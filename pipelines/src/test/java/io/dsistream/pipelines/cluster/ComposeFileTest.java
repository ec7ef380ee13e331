package io.dsistream.pipelines.cluster;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The top-level {@code docker-compose.yml}: Debian's {@code docker-compose} 1.29 accepts it, with and without the
 * {@code gpu} profile (skipped when the tool is not installed; {@code .ci/run} installs it where it can), and it has
 * the services, profile, GPU reservation and named volumes the cluster needs. No Docker engine is needed.
 */
class ComposeFileTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path COMPOSE = ROOT.resolve("docker-compose.yml");

    @Test
    void dockerComposeAcceptsTheFileWithAndWithoutTheGpuProfile() throws Exception {
        Assumptions.assumeTrue(onPath("docker-compose"), "docker-compose is not installed");
        for (List<String> command : List.of(
                List.of("docker-compose", "-f", COMPOSE.toString(), "config", "-q"),
                List.of("docker-compose", "-f", COMPOSE.toString(), "--profile", "gpu", "config", "-q"))) {
            Process process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
            assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + output);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theFileHasTheClusterServicesTheGpuProfileAndTheNamedVolumes() throws Exception {
        Map<String, Object> compose = (Map<String, Object>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(COMPOSE));
        Map<String, Object> services = (Map<String, Object>) compose.get("services");
        assertEquals(List.of("kafka", "jobmanager", "taskmanager", "taskmanager-gpu", "submitter", "prometheus"),
                List.copyOf(services.keySet()));
        assertEquals("apache/kafka:4.2.0", ((Map<String, Object>) services.get("kafka")).get("image"));
        assertEquals(2, ((Map<String, Object>) services.get("taskmanager")).get("scale"));
        Map<String, Object> gpu = (Map<String, Object>) services.get("taskmanager-gpu");
        assertEquals(List.of("gpu"), gpu.get("profiles"));
        String properties = (String) ((Map<String, Object>) gpu.get("environment")).get("FLINK_PROPERTIES");
        assertTrue(properties.contains("external-resources: gpu"), properties);
        assertTrue(properties.contains("org.apache.flink.externalresource.gpu.GPUDriverFactory"), properties);
        Map<String, Object> device = ((List<Map<String, Object>>) ((Map<String, Object>) ((Map<String, Object>)
                ((Map<String, Object>) gpu.get("deploy")).get("resources")).get("reservations")).get("devices")).get(0);
        assertEquals("nvidia", device.get("driver"));
        assertEquals(List.of("gpu"), device.get("capabilities"));
        assertEquals(List.of("kafka-data", "checkpoints", "savepoints", "registry"),
                List.copyOf(((Map<String, Object>) compose.get("volumes")).keySet()));
        // Files the compose file mounts or builds from.
        for (String file : List.of("docker/Dockerfile", "docker/flink/config.yaml", "docker/flink/dsi-entrypoint.sh",
                "docker/prometheus/prometheus.yml")) {
            assertTrue(Files.isRegularFile(ROOT.resolve(file)), file);
        }
    }

    @Test
    void theComposeFlinkConfigurationSetsWhatTheLocalClusterSets() throws Exception {
        String yaml = Files.readString(ROOT.resolve("docker/flink/config.yaml"));
        for (String key : List.of("state.backend.type: rocksdb", "execution.checkpointing.incremental: true",
                "execution.checkpointing.dir: ", "execution.checkpointing.savepoint-dir: ",
                "execution.checkpointing.externalized-checkpoint-retention: RETAIN_ON_CANCELLATION",
                "restart-strategy.type: fixed-delay", "pipeline.generic-types: false",
                "classloader.parent-first-patterns.additional: ai.djl.", "metrics.reporters: prom",
                "dsi.kafka.bootstrap-servers: ", "dsi.indexing.model.registry: ")) {
            assertTrue(yaml.contains(key), "docker/flink/config.yaml lacks '" + key + "'");
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
