package io.dsistream.pipelines.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * The jar submitted to a cluster: dsi-stream's own classes (pipelines, operators, models, state-schemas) and
 * nothing else. Everything they use, Flink, the Kafka connector, DJL with the PyTorch and tokenizers natives, the
 * encoder weights, comes from the cluster's classpath (its {@code lib/}), loaded once per TaskManager by the parent
 * class loader: a native library can be loaded by one class loader per JVM only, so a job jar that carried DJL
 * would fail on its second submission to the same TaskManager. The cluster's
 * {@code classloader.parent-first-patterns.additional: ai.djl.} guards the same rule for jars built otherwise.
 *
 * <p>Its manifest names {@link ClusterJobMain} as the main class; the classes of
 * {@code io.dsistream.pipelines.cluster.lib} stay out (they live in the cluster's classpath, {@link ClusterLibJar}).
 */
public final class JobJar {

    /** The package every dsi-stream class lives under, as a resource path. */
    static final String PROJECT_PACKAGE_PATH = "io/dsistream/";

    private JobJar() {
    }

    /**
     * Writes the job jar.
     *
     * @param pipelinesClasses {@code pipelines/target/dsi.jar} or a classes directory
     * @param libDirectory     {@code pipelines/target/lib}: the project's module jars are taken from it
     */
    public static Path write(Path pipelinesClasses, Path libDirectory, Path target) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
        manifest.getMainAttributes().putValue("Main-Class", ClusterJobMain.class.getName());
        Files.createDirectories(target.toAbsolutePath().getParent());
        Set<String> written = new HashSet<>();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target), manifest)) {
            written.add("META-INF/MANIFEST.MF");
            addAll(out, pipelinesClasses, written);
            for (Path moduleJar : projectJars(libDirectory)) {
                addAll(out, moduleJar, written);
            }
        }
        return target;
    }

    /** The jars of {@code libDirectory} that hold dsi-stream classes (the project's modules), sorted by name. */
    public static List<Path> projectJars(Path libDirectory) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path jar : jars(libDirectory)) {
            try (JarFile file = new JarFile(jar.toFile())) {
                if (file.stream().anyMatch(e -> e.getName().startsWith(PROJECT_PACKAGE_PATH))) {
                    out.add(jar);
                }
            }
        }
        return out;
    }

    /** Every jar of {@code libDirectory}, sorted by name. */
    static List<Path> jars(Path libDirectory) throws IOException {
        if (!Files.isDirectory(libDirectory)) {
            throw new IOException("library directory " + libDirectory + " does not exist; build it with ./dsi "
                    + "(or mvn package), which fills pipelines/target/lib");
        }
        try (Stream<Path> files = Files.list(libDirectory)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        }
    }

    private static void addAll(JarOutputStream out, Path source, Set<String> written) throws IOException {
        if (Files.isDirectory(source)) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(source)) {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path file : files) {
                String name = source.relativize(file).toString().replace('\\', '/');
                try (InputStream in = Files.newInputStream(file)) {
                    add(out, name, in, written);
                }
            }
            return;
        }
        try (JarFile jar = new JarFile(source.toFile())) {
            for (JarEntry entry : jar.stream().toList()) {
                if (!entry.isDirectory()) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        add(out, entry.getName(), in, written);
                    }
                }
            }
        }
    }

    private static void add(JarOutputStream out, String name, InputStream in, Set<String> written) throws IOException {
        if (name.startsWith(ClusterLibJar.PACKAGE_PATH) || !written.add(name)) {
            return; // cluster-side classes stay out; the first of two same-named resources wins
        }
        out.putNextEntry(new JarEntry(name));
        in.transferTo(out);
        out.closeEntry();
    }
}
