package io.dsistream.models.bundle;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import io.dsistream.models.adapters.EncoderAdapters;
import io.dsistream.models.asi.SemanticQuantizer;
import io.dsistream.models.decoder.DecoderOptions;
import io.dsistream.models.decoder.IdDecoder;
import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.encoder.TextEncoder;
import io.dsistream.models.ids.BalanceReport;
import io.dsistream.models.ids.IdVocabulary;
import io.dsistream.models.ids.SemanticId;
import io.dsistream.models.retrieval.IdModel;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A generative-retrieval model bundle on disk: {@code manifest.json} ({@link BundleManifest}) plus
 * {@code quantizer.bin} (ASI only), {@code decoder.params} and {@code decoder.json}, and {@code assignments.tsv}
 * (document ID, tab, stored ID such as {@code 3.14.7}). Loading checks the manifest against the files (encoder
 * SHA-256 against the pinned {@link EncoderSpec}, ID scheme against the quantizer's and the decoder's shapes) and
 * fails with a message naming the field and file on any mismatch.
 *
 * @param manifest what the bundle's manifest says
 * @param model    the loaded model
 */
public record IdModelBundle(BundleManifest manifest, IdModel model) {

    public static final String QUANTIZER_FILE = "quantizer.bin";
    public static final String DECODER_FILE = "decoder.params";
    public static final String DECODER_OPTIONS_FILE = "decoder.json";
    public static final String ASSIGNMENTS_FILE = "assignments.tsv";
    /** The encoder adapter a continually trained bundle carries over its named base encoder. */
    public static final String ADAPTER_FILE = "adapter.bin";

    /**
     * Writes {@code model} into {@code directory} (created if needed) with a manifest of version
     * {@code parentVersion + 1} (1 without a parent).
     *
     * @param hyperParameters the training options and anything else that shaped the model
     */
    public static BundleManifest write(Path directory, String name, IdModel model, EncoderSpec encoder,
                                       int encoderMaxLength, Integer parentVersion,
                                       Map<String, Object> hyperParameters, Map<String, Object> training,
                                       Map<String, Double> metrics, BalanceReport balance) throws IOException {
        return write(directory, name, model, encoder, encoderMaxLength, parentVersion, null, hyperParameters,
                training, metrics, balance);
    }

    /**
     * As {@link #write(Path, String, IdModel, EncoderSpec, int, Integer, Map, Map, Map, BalanceReport)}, plus the
     * encoder's adapter ({@value #ADAPTER_FILE}, component {@code adapter}) when {@code adapters} is not null: the
     * bundle then names its base encoder and carries only the adapter's arrays.
     *
     * @throws IllegalArgumentException if the adapters belong to another base encoder than {@code encoder}
     */
    public static BundleManifest write(Path directory, String name, IdModel model, EncoderSpec encoder,
                                       int encoderMaxLength, Integer parentVersion, EncoderAdapters adapters,
                                       Map<String, Object> hyperParameters, Map<String, Object> training,
                                       Map<String, Double> metrics, BalanceReport balance) throws IOException {
        Files.createDirectories(directory);
        Map<String, Map<String, Object>> adapterComponent = null;
        if (adapters != null) {
            if (!adapters.baseEncoder().equals(encoder.cliName())) {
                throw new IllegalArgumentException("the adapters were attached to base encoder '"
                        + adapters.baseEncoder() + "', not '" + encoder.cliName() + "'");
            }
            adapters.save(directory.resolve(ADAPTER_FILE));
            Map<String, Object> adapter = new LinkedHashMap<>();
            adapter.put("file", ADAPTER_FILE);
            adapter.put("kind", adapters.options().kind().cliName());
            adapter.put("baseEncoder", adapters.baseEncoder());
            adapter.put("trainableParameters", adapters.trainableParameterCount());
            adapterComponent = Map.of("adapter", adapter);
        }
        IdVocabulary vocabulary = model.vocabulary();
        Map<String, Map<String, Object>> components = new LinkedHashMap<>();
        if (model.quantizer() != null) {
            model.quantizer().save(directory.resolve(QUANTIZER_FILE));
            Map<String, Object> quantizer = new LinkedHashMap<>();
            quantizer.put("file", QUANTIZER_FILE);
            quantizer.put("kind", model.quantizer().options().kind().name());
            quantizer.put("options", model.quantizer().options().toString());
            components.put("quantizer", quantizer);
        }
        model.decoder().save(directory.resolve(DECODER_FILE));
        model.decoder().options().write(directory.resolve(DECODER_OPTIONS_FILE));
        components.put("decoder", Map.of("file", DECODER_FILE, "options", DECODER_OPTIONS_FILE,
                "layers", model.decoder().options().layers(), "width", model.decoder().options().width()));
        try (BufferedWriter out = Files.newBufferedWriter(directory.resolve(ASSIGNMENTS_FILE), StandardCharsets.UTF_8)) {
            for (Map.Entry<String, SemanticId> entry : model.assignments().entrySet()) {
                out.write(entry.getKey());
                out.write('\t');
                out.write(entry.getValue().toString());
                out.write('\n');
            }
        }
        components.put("assignments", Map.of("file", ASSIGNMENTS_FILE, "documents", model.assignments().size()));
        if (adapterComponent != null) {
            components.putAll(adapterComponent);
        }
        components.put("hyperparameters", new LinkedHashMap<>(hyperParameters));
        Map<String, Double> balanceValues = new LinkedHashMap<>();
        if (balance != null) {
            balance.toMap().forEach((key, value) -> balanceValues.put(key, value.doubleValue()));
        }
        BundleManifest manifest = new BundleManifest(name, parentVersion == null ? 1 : parentVersion + 1,
                parentVersion, Instant.now().toString(), model.method(),
                new BundleManifest.EncoderRef(encoder.cliName(), encoder.onnx().sha256(), encoderMaxLength),
                new BundleManifest.IdSchemeRef(vocabulary.maxLength(), vocabulary.codesPerPosition(),
                        model.prefixFree()),
                components, training, metrics, balanceValues);
        ModelRegistry.writeManifest(directory, manifest);
        return manifest;
    }

    /**
     * Loads a bundle, checking it against {@code expectedEncoder} (null: the manifest's own encoder, still checked
     * against its pinned SHA-256).
     *
     * @throws IllegalArgumentException when the manifest and the files or the encoder disagree
     */
    public static IdModelBundle load(Path directory, NDManager manager, EncoderSpec expectedEncoder)
            throws IOException {
        BundleManifest manifest = ModelRegistry.readManifest(directory);
        Path manifestFile = directory.resolve(ModelRegistry.MANIFEST);
        EncoderSpec encoder = encoderOf(manifest, manifestFile);
        if (expectedEncoder != null && expectedEncoder != encoder) {
            throw new IllegalArgumentException(manifestFile + ": the bundle was trained on encoder '"
                    + encoder.cliName() + "', not '" + expectedEncoder.cliName() + "'");
        }
        BundleManifest.IdSchemeRef scheme = manifest.idScheme();
        IdVocabulary vocabulary = new IdVocabulary(scheme.positions(), scheme.codesPerPosition());
        SemanticQuantizer quantizer = null;
        String quantizerFile = manifest.componentFile("quantizer");
        if (quantizerFile != null) {
            quantizer = SemanticQuantizer.load(manager, directory.resolve(quantizerFile));
            if (quantizer.options().positions() != scheme.positions()
                    || quantizer.options().codesPerPosition() != scheme.codesPerPosition()) {
                quantizer.close();
                throw new IllegalArgumentException(directory.resolve(quantizerFile) + " holds a quantizer of "
                        + quantizer.options().positions() + " x " + quantizer.options().codesPerPosition()
                        + " codes, but manifest field 'idScheme' says " + scheme.positions() + " x "
                        + scheme.codesPerPosition());
            }
            if (quantizer.options().dimension() != encoder.config().hiddenSize()) {
                quantizer.close();
                throw new IllegalArgumentException(directory.resolve(quantizerFile) + " reads embeddings of "
                        + quantizer.options().dimension() + " dimensions; encoder '" + encoder.cliName() + "' gives "
                        + encoder.config().hiddenSize());
            }
        } else if (manifest.method().equals("asi")) {
            throw new IllegalArgumentException(manifestFile + ": method asi needs a 'quantizer' component");
        }
        String decoderFile = requireComponent(manifest, "decoder", manifestFile);
        DecoderOptions decoderOptions = DecoderOptions.read(directory.resolve(DECODER_OPTIONS_FILE));
        if (!decoderOptions.vocabulary().equals(vocabulary)) {
            closeQuietly(quantizer);
            throw new IllegalArgumentException(directory.resolve(DECODER_OPTIONS_FILE) + " has vocabulary "
                    + decoderOptions.vocabulary() + ", but manifest field 'idScheme' says " + vocabulary);
        }
        IdDecoder decoder;
        try {
            decoder = IdDecoder.load(decoderOptions, manager, directory.resolve(decoderFile));
        } catch (MalformedModelException e) {
            closeQuietly(quantizer);
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        Map<String, SemanticId> assignments = readAssignments(directory.resolve(
                requireComponent(manifest, "assignments", manifestFile)));
        try {
            return new IdModelBundle(manifest, new IdModel(manifest.method(), quantizer, decoder, assignments,
                    scheme.prefixFree()));
        } catch (IllegalArgumentException e) {
            closeQuietly(quantizer);
            throw new IllegalArgumentException(directory.resolve(ASSIGNMENTS_FILE) + ": " + e.getMessage(), e);
        }
    }

    /** The adapter file a bundle carries, if its manifest names an {@code adapter} component. */
    public static Optional<Path> adapterFile(Path directory) {
        String file = ModelRegistry.readManifest(directory).componentFile("adapter");
        return file == null ? Optional.empty() : Optional.of(directory.resolve(file));
    }

    /**
     * Attaches the bundle's adapter, if it carries one, to a freshly loaded {@code encoder} of the base the manifest
     * names; the encoder then computes what the bundle was trained with.
     *
     * @throws IllegalArgumentException if the encoder is not the manifest's base encoder, or the adapter file names
     *     another base
     */
    public static Optional<EncoderAdapters> attachAdapter(Path directory, TextEncoder encoder) throws IOException {
        BundleManifest manifest = ModelRegistry.readManifest(directory);
        if (!manifest.encoder().name().equals(encoder.spec().cliName())) {
            throw new IllegalArgumentException(directory.resolve(ModelRegistry.MANIFEST) + ": field 'encoder.name' is '"
                    + manifest.encoder().name() + "', the adapter cannot go on encoder '" + encoder.spec().cliName()
                    + "'");
        }
        Optional<Path> file = adapterFile(directory);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(EncoderAdapters.load(encoder, file.get()));
    }

    private static EncoderSpec encoderOf(BundleManifest manifest, Path manifestFile) {
        EncoderSpec encoder;
        try {
            encoder = EncoderSpec.fromCliName(manifest.encoder().name());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(manifestFile + ": field 'encoder.name': " + e.getMessage(), e);
        }
        if (!encoder.onnx().sha256().equalsIgnoreCase(manifest.encoder().sha256())) {
            throw new IllegalArgumentException(manifestFile + ": field 'encoder.sha256' is "
                    + manifest.encoder().sha256() + " but encoder '" + encoder.cliName() + "' is pinned to "
                    + encoder.onnx().sha256() + "; the bundle was trained on other encoder weights");
        }
        return encoder;
    }

    private static String requireComponent(BundleManifest manifest, String component, Path manifestFile) {
        String file = manifest.componentFile(component);
        if (file == null) {
            throw new IllegalArgumentException(manifestFile + ": component '" + component + "' is missing");
        }
        return file;
    }

    /** Reads {@code assignments.tsv}: one {@code docId<TAB>ID} per line. */
    static Map<String, SemanticId> readAssignments(Path file) throws IOException {
        Map<String, SemanticId> assignments = new LinkedHashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isEmpty()) {
                    continue;
                }
                int tab = line.indexOf('\t');
                if (tab <= 0) {
                    throw new IllegalArgumentException(file + " line " + number + ": expected docId<TAB>ID, got '"
                            + line + "'");
                }
                try {
                    assignments.put(line.substring(0, tab), SemanticId.parse(line.substring(tab + 1)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + " line " + number + ": " + e.getMessage(), e);
                }
            }
        }
        return assignments;
    }

    private static void closeQuietly(SemanticQuantizer quantizer) {
        if (quantizer != null) {
            quantizer.close();
        }
    }
}
