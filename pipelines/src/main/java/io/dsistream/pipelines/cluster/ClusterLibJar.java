package io.dsistream.pipelines.cluster;

import io.dsistream.pipelines.cluster.lib.ParentWatch;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Writes {@code dsi-cluster-lib.jar}: the classes of {@code io.dsistream.pipelines.cluster.lib} (the
 * parent-watching main wrapper). It goes on the cluster processes' own classpath, like a jar in Flink's
 * {@code lib/}; the job jar never carries it.
 */
public final class ClusterLibJar {

    /** The package whose classes the jar holds, as a resource path. */
    static final String PACKAGE_PATH = ParentWatch.class.getPackageName().replace('.', '/') + "/";

    private ClusterLibJar() {
    }

    /** Writes the jar to {@code target}, copying the class files from wherever this build's classes are. */
    public static Path write(Path target) throws IOException {
        Path source = codeSource(ParentWatch.class);
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
        Files.createDirectories(target.toAbsolutePath().getParent());
        int classes = 0;
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target), manifest)) {
            if (Files.isDirectory(source)) {
                List<Path> files;
                try (Stream<Path> walk = Files.walk(source.resolve(PACKAGE_PATH), 1)) {
                    files = walk.filter(p -> p.toString().endsWith(".class")).sorted().toList();
                }
                for (Path file : files) {
                    try (InputStream in = Files.newInputStream(file)) {
                        copy(out, PACKAGE_PATH + file.getFileName(), in);
                        classes++;
                    }
                }
            } else {
                try (JarFile jar = new JarFile(source.toFile())) {
                    for (JarEntry entry : jar.stream().sorted((a, b) -> a.getName().compareTo(b.getName())).toList()) {
                        String name = entry.getName();
                        if (name.startsWith(PACKAGE_PATH) && name.endsWith(".class")
                                && name.indexOf('/', PACKAGE_PATH.length()) < 0) {
                            try (InputStream in = jar.getInputStream(entry)) {
                                copy(out, name, in);
                                classes++;
                            }
                        }
                    }
                }
            }
        }
        if (classes == 0) {
            throw new IOException("no class of " + PACKAGE_PATH + " found in " + source);
        }
        return target;
    }

    private static void copy(JarOutputStream out, String name, InputStream in) throws IOException {
        out.putNextEntry(new JarEntry(name));
        in.transferTo(out);
        out.closeEntry();
    }

    /** The jar or classes directory a class was loaded from. */
    static Path codeSource(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("cannot locate the jar or directory of " + type.getName(), e);
        }
    }
}
