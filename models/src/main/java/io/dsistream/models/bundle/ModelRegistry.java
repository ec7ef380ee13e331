package io.dsistream.models.bundle;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A directory of model bundles, {@code <root>/<name>/v<N>/}. Publishing writes a bundle into a temporary directory
 * and renames it into place, so a reader never sees a half-written version.
 */
public final class ModelRegistry {

    public static final String MANIFEST = "manifest.json";
    private static final Pattern VERSION_DIR = Pattern.compile("v(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path root;

    public ModelRegistry(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** Directory of version {@code version} of model {@code name} (which may not exist yet). */
    public Path bundleDirectory(String name, int version) {
        return root.resolve(name).resolve("v" + version);
    }

    /** Published versions of {@code name}, ascending. */
    public List<Integer> versions(String name) {
        Path modelDir = root.resolve(name);
        List<Integer> versions = new ArrayList<>();
        if (!Files.isDirectory(modelDir)) {
            return versions;
        }
        try (Stream<Path> children = Files.list(modelDir)) {
            children.forEach(child -> {
                Matcher m = VERSION_DIR.matcher(child.getFileName().toString());
                if (m.matches() && Files.isRegularFile(child.resolve(MANIFEST))) {
                    versions.add(Integer.parseInt(m.group(1)));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list model versions in " + modelDir, e);
        }
        versions.sort(Integer::compare);
        return versions;
    }

    /** The newest published version of {@code name}, if any. */
    public Optional<Integer> latestVersion(String name) {
        List<Integer> versions = versions(name);
        return versions.isEmpty() ? Optional.empty() : Optional.of(versions.get(versions.size() - 1));
    }

    /**
     * Publishes a bundle as the next version of its model: {@code writer} fills a fresh directory with weight files,
     * then the manifest (with the version set to the next free one) is written and the directory renamed into place.
     *
     * @return the published bundle's directory
     */
    public Path publish(BundleManifest manifest, BundleWriter writer) throws IOException {
        int version = latestVersion(manifest.name()).orElse(0) + 1;
        BundleManifest numbered = new BundleManifest(manifest.name(), version, manifest.parentVersion(),
                manifest.createdAt(), manifest.method(), manifest.encoder(), manifest.idScheme(),
                manifest.components(), manifest.training(), manifest.metrics(), manifest.balance());
        Path target = bundleDirectory(manifest.name(), version);
        Files.createDirectories(target.getParent());
        Path staging = Files.createTempDirectory(target.getParent(), ".staging-v" + version + "-");
        try {
            writer.write(staging);
            writeManifest(staging, numbered);
        } catch (IOException | RuntimeException e) {
            deleteRecursively(staging);
            throw e;
        }
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(staging, target);
        }
        return target;
    }

    /** Writes {@code manifest.json} into a bundle directory. */
    public static void writeManifest(Path bundleDirectory, BundleManifest manifest) throws IOException {
        Files.createDirectories(bundleDirectory);
        JSON.writeValue(bundleDirectory.resolve(MANIFEST).toFile(), manifest);
    }

    /** Reads a bundle directory's manifest, with an error naming the file when it is missing or malformed. */
    public static BundleManifest readManifest(Path bundleDirectory) {
        Path file = bundleDirectory.resolve(MANIFEST);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("not a model bundle: " + file + " does not exist");
        }
        try {
            return JSON.readValue(file.toFile(), BundleManifest.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed bundle manifest " + file + ": " + e.getMessage(), e);
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** Fills a bundle directory with the weight files its manifest will name. */
    @FunctionalInterface
    public interface BundleWriter {
        void write(Path directory) throws IOException;
    }
}
