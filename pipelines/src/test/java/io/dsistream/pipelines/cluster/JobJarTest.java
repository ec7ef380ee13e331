package io.dsistream.pipelines.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job jar holds dsi-stream's classes only; the cluster classpath holds everything else. */
class JobJarTest {

    @TempDir
    Path dir;

    private static Path jar(Path file, Map<String, String> entries) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                out.putNextEntry(new JarEntry(e.getKey()));
                out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return file;
    }

    @Test
    void theJobJarHasTheProjectModulesAndNoDependencyAndTheClusterHasTheRest() throws Exception {
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes.resolve("io/dsistream/pipelines/cluster/lib"));
        Files.writeString(classes.resolve("io/dsistream/pipelines/A.class"), "a");
        Files.writeString(classes.resolve("io/dsistream/pipelines/cluster/lib/Reporter.class"), "r");
        Files.writeString(classes.resolve("log4j2.xml"), "pipelines");
        Path lib = Files.createDirectories(dir.resolve("lib"));
        jar(lib.resolve("models-0.1.jar"), Map.of("io/dsistream/models/M.class", "m", "log4j2.xml", "models",
                "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n"));
        jar(lib.resolve("api-0.35.1.jar"), Map.of("ai/djl/Model.class", "djl"));
        jar(lib.resolve("flink-core-2.2.1.jar"), Map.of("org/apache/flink/X.class", "x"));

        assertEquals(List.of(lib.resolve("models-0.1.jar")), JobJar.projectJars(lib));
        Path cluster = dir.resolve("dsi-cluster-lib.jar");
        assertEquals(List.of(lib.resolve("api-0.35.1.jar").toAbsolutePath(),
                        lib.resolve("flink-core-2.2.1.jar").toAbsolutePath(), cluster.toAbsolutePath()),
                StandaloneCluster.clusterClasspath(lib, cluster));

        Path job = JobJar.write(classes, lib, dir.resolve("out/dsi-job.jar"));
        try (JarFile file = new JarFile(job.toFile())) {
            TreeSet<String> names = new TreeSet<>();
            file.stream().forEach(e -> names.add(e.getName()));
            assertEquals(new TreeSet<>(List.of("META-INF/MANIFEST.MF", "io/dsistream/pipelines/A.class",
                    "io/dsistream/models/M.class", "log4j2.xml")), names);
            assertEquals(ClusterJobMain.class.getName(), file.getManifest().getMainAttributes().getValue("Main-Class"));
            assertEquals("pipelines", new String(file.getInputStream(file.getEntry("log4j2.xml")).readAllBytes(),
                    StandardCharsets.UTF_8), "the first of two same-named resources wins");
        }
    }

    @Test
    void theClusterLibJarHoldsTheClusterSidePackageOnly() throws Exception {
        Path jar = ClusterLibJar.write(dir.resolve("dsi-cluster-lib.jar"));
        try (JarFile file = new JarFile(jar.toFile())) {
            assertTrue(file.getEntry(ClusterLibJar.PACKAGE_PATH + "ParentWatch.class") != null);
            assertTrue(file.stream().allMatch(e -> e.getName().startsWith("META-INF/")
                    || e.getName().startsWith(ClusterLibJar.PACKAGE_PATH)), "only the cluster-side package");
        }
    }
}
