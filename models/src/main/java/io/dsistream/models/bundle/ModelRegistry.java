package io.dsistream.models.bundle;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dsistream.models.adapters.EncoderAdapters;
import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.ids.BalanceReport;
import io.dsistream.models.retrieval.IdModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A directory of model bundles, {@code <root>/<name>/v<N>/}, each with a {@code manifest.json} naming its parent
 * version (the one it was fine-tuned from). Publishing writes a bundle into a temporary directory and renames it
 * into place, so a reader never sees a half-written version; {@link #latestDirectory} and {@link #latestManifest}
 * read the newest. A continually trained bundle carries its encoder adapter ({@link IdModelBundle#ADAPTER_FILE})
 * over the base encoder its manifest names.
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

    /** The directory of the newest published version of {@code name}, if any. */
    public Optional<Path> latestDirectory(String name) {
        return latestVersion(name).map(version -> bundleDirectory(name, version));
    }

    /** The manifest of the newest published version of {@code name}, if any. */
    public Optional<BundleManifest> latestManifest(String name) {
        return latestDirectory(name).map(ModelRegistry::readManifest);
    }

    /**
     * Publishes a bundle as the next version of its model: {@code writer} fills a fresh directory with weight files,
     * then the manifest (with the version set to the next free one; its parent as given) is written and the
     * directory renamed into place. A reader never sees a half-written version. When another publisher took the
     * number first, the bundle is renumbered and the rename tried again.
     *
     * @return the published bundle's directory
     * @throws IllegalArgumentException if the manifest names a parent version that is not published
     */
    public Path publish(BundleManifest manifest, BundleWriter writer) throws IOException {
        return publishStaged(manifest.name(), manifest.parentVersion(), staging -> {
            writer.write(staging);
            return manifest;
        }).directory();
    }

    /**
     * Publishes a generative-retrieval model ({@link IdModelBundle#write}) as the next version of {@code name},
     * with {@code parentVersion} (null for a model trained from scratch) and, when not null, the encoder adapter it
     * was trained with.
     *
     * @return the manifest as published (its {@code version} is the new N)
     * @throws IllegalArgumentException if {@code parentVersion} is not published
     */
    public BundleManifest publish(String name, IdModel model, EncoderSpec encoder, int encoderMaxLength,
                                  Integer parentVersion, EncoderAdapters adapters,
                                  Map<String, Object> hyperParameters, Map<String, Object> training,
                                  Map<String, Double> metrics, BalanceReport balance) throws IOException {
        return publishStaged(name, parentVersion, staging -> IdModelBundle.write(staging, name, model, encoder,
                encoderMaxLength, parentVersion, adapters, hyperParameters, training, metrics, balance)).manifest();
    }

    private Published publishStaged(String name, Integer parent, StagedWriter writer) throws IOException {
        if (parent != null && !versions(name).contains(parent)) {
            throw new IllegalArgumentException("manifest field 'parentVersion' names v" + parent + " of '" + name
                    + "', which is not published in " + root);
        }
        Path modelDirectory = root.resolve(name);
        Files.createDirectories(modelDirectory);
        Path staging = Files.createTempDirectory(modelDirectory, ".staging-");
        try {
            BundleManifest manifest = writer.write(staging);
            for (int attempt = 0; ; attempt++) {
                int version = latestVersion(name).orElse(0) + 1;
                BundleManifest numbered = numbered(manifest, version);
                writeManifest(staging, numbered);
                Path target = bundleDirectory(name, version);
                try {
                    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                    return new Published(target, numbered);
                } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                    if (attempt >= 100) {
                        throw e; // another publisher took the number: renumber and try again
                    }
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("registry " + root + " is on a file system without atomic renames", e);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (Files.exists(staging)) {
                deleteRecursively(staging);
            }
            throw e;
        }
    }

    private static BundleManifest numbered(BundleManifest manifest, int version) {
        return new BundleManifest(manifest.name(), version, manifest.parentVersion(), manifest.createdAt(),
                manifest.method(), manifest.encoder(), manifest.idScheme(), manifest.components(),
                manifest.training(), manifest.metrics(), manifest.balance());
    }

    private record Published(Path directory, BundleManifest manifest) {
    }

    /** Fills a staging directory and returns the manifest to publish it under (before numbering). */
    @FunctionalInterface
    private interface StagedWriter {
        BundleManifest write(Path directory) throws IOException;
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
