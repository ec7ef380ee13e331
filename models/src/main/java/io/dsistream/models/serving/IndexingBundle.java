package io.dsistream.models.serving;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import io.dsistream.models.adapters.AdapterKind;
import io.dsistream.models.adapters.EncoderAdapters;
import io.dsistream.models.asi.QuantizerKind;
import io.dsistream.models.asi.QuantizerOptions;
import io.dsistream.models.asi.ResidualQuantizer;
import io.dsistream.models.asi.SemanticQuantizer;
import io.dsistream.models.bundle.BundleManifest;
import io.dsistream.models.bundle.IdModelBundle;
import io.dsistream.models.decoder.DecoderOptions;
import io.dsistream.models.decoder.IdDecoder;
import io.dsistream.models.bundle.ModelRegistry;
import io.dsistream.models.encoder.EncoderOptions;
import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.encoder.SentenceEmbedder;
import io.dsistream.models.encoder.TextEncoder;
import io.dsistream.models.retrieval.QueryPlanner;
import io.dsistream.models.retrieval.StreamingRetrievalOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A model bundle as the indexing job sees it: the base encoder it names and the semantic indexing module stored
 * as its {@value #QUANTIZER} component. Any bundle with a quantizer component serves, whether bootstrapped here
 * ({@link #bootstrap}) or trained with the ASI++ losses; the operators only call {@link #openEncoder} and
 * {@link #openAssigner}.
 */
public final class IndexingBundle {

    /** The manifest component holding the semantic quantizer's weights. */
    public static final String QUANTIZER = "quantizer";

    /** The manifest component holding the ID decoder's weights; bundles written by {@code dsi train} have one. */
    public static final String DECODER = "decoder";

    /** The method a bootstrapped bundle records: k-means codebooks, no training. */
    public static final String BOOTSTRAP_METHOD = "asi-bootstrap-kmeans";

    private final Path directory;
    private final BundleManifest manifest;

    private IndexingBundle(Path directory, BundleManifest manifest) {
        this.directory = directory;
        this.manifest = manifest;
    }

    /** Opens the bundle in {@code directory}; fails naming the directory when it has no quantizer component. */
    public static IndexingBundle open(Path directory) {
        BundleManifest manifest = ModelRegistry.readManifest(directory);
        String file = manifest.componentFile(QUANTIZER);
        if (file == null) {
            throw new IllegalArgumentException("model bundle " + directory + " has no '" + QUANTIZER
                    + "' component: the indexing job needs a semantic quantizer");
        }
        if (!Files.isRegularFile(directory.resolve(file))) {
            throw new IllegalArgumentException("model bundle " + directory + " names quantizer file '" + file
                    + "', which does not exist");
        }
        return new IndexingBundle(directory, manifest);
    }

    /** The newest version of {@code name} in the registry, if there is one. */
    public static Optional<IndexingBundle> latest(ModelRegistry registry, String name) {
        return registry.latestVersion(name).map(v -> open(registry.bundleDirectory(name, v)));
    }

    public Path directory() {
        return directory;
    }

    public BundleManifest manifest() {
        return manifest;
    }

    /** {@code <name>/v<N>}, the version string carried on assignments. */
    public String modelVersion() {
        return manifest.name() + "/v" + manifest.version();
    }

    /** N of a version string {@code <name>/v<N>} as {@link #modelVersion()} writes it. */
    public static int versionNumber(String modelVersion) {
        int at = modelVersion.lastIndexOf("/v");
        try {
            return Integer.parseInt(modelVersion.substring(at + 2));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + modelVersion + "' is not a model version <name>/v<N>", e);
        }
    }

    /** The base encoder the bundle was built on. */
    public EncoderSpec encoderSpec() {
        return EncoderSpec.fromCliName(manifest.encoder().name());
    }

    /** Encoder options with the bundle's max length and the given batch size. */
    public EncoderOptions encoderOptions(int batchSize) {
        EncoderOptions.Builder builder = EncoderOptions.builder().optBatchSize(batchSize);
        if (manifest.encoder().maxLength() > 0) {
            builder.optMaxLength(manifest.encoder().maxLength());
        }
        return builder.build();
    }

    /** Loads the bundle's base encoder (from its Maven artifact; nothing is downloaded). The caller closes it. */
    public TextEncoder openEncoder(int batchSize) {
        return TextEncoder.load(encoderSpec(), encoderOptions(batchSize));
    }

    /** Loads the bundle's quantizer into its own manager. The caller closes the assigner. */
    public IdAssigner openAssigner() {
        Path file = directory.resolve(manifest.componentFile(QUANTIZER));
        NDManager manager = NDManager.newBaseManager();
        try {
            SemanticQuantizer quantizer = SemanticQuantizer.load(manager, file);
            return new QuantizerIdAssigner(manager, quantizer, modelVersion());
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw new IllegalStateException("cannot load the quantizer of model bundle " + directory + " from "
                    + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads what answering queries needs: the encoder, the quantizer and, when the bundle has a {@code decoder}
     * component (a bundle written by {@code dsi train}), the ID decoder. A bundle the trainer published carries an
     * encoder adapter for the query side: it is attached and merged into the query encoder's weights (documents keep
     * the base encoder, whose vectors the index stores). The caller closes the model.
     */
    public RetrievalModel openRetrieval(StreamingRetrievalOptions options, int batchSize) {
        TextEncoder encoder = openEncoder(batchSize);
        NDManager manager = NDManager.newBaseManager();
        Path quantizerFile = directory.resolve(manifest.componentFile(QUANTIZER));
        SemanticQuantizer quantizer = null;
        try {
            IdModelBundle.attachAdapter(directory, encoder).filter(a -> a.options().kind() != AdapterKind.CONVLORA)
                    .ifPresent(EncoderAdapters::merge); // ConvLoRA cannot be folded into the weights: it runs as is
            quantizer = SemanticQuantizer.load(manager, quantizerFile);
            IdDecoder decoder = null;
            String decoderFile = manifest.componentFile(DECODER);
            if (decoderFile != null) {
                DecoderOptions decoderOptions = DecoderOptions.read(directory.resolve(IdModelBundle.DECODER_OPTIONS_FILE));
                decoder = IdDecoder.load(decoderOptions, manager, directory.resolve(decoderFile));
            }
            QueryPlanner planner = new QueryPlanner(encoder, quantizer, decoder, options);
            return new RetrievalModel(encoder, manager, quantizer, decoder, planner, modelVersion());
        } catch (IOException | MalformedModelException | RuntimeException e) {
            if (quantizer != null) {
                quantizer.close();
            }
            manager.close();
            encoder.close();
            throw new IllegalStateException("cannot load model bundle " + directory + " for retrieval: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Publishes a bundle whose quantizer is residual k-means over the embeddings of {@code texts} (ASI++ appendix
     * B.1's RQ initialisation, with no training): version 1 of {@code name} when the registry has none. The ID
     * space is sized by {@link QuantizerOptions#forCorpus} for {@code expectedDocuments}; {@code texts} must hold
     * at least V texts. Takes seconds for a few hundred texts.
     *
     * @param encoder the encoder the job will use ({@code spec} and {@code maxLength} name it in the manifest)
     */
    public static IndexingBundle bootstrap(ModelRegistry registry, String name, SentenceEmbedder encoder,
                                           EncoderSpec spec, int maxLength, List<String> texts,
                                           int expectedDocuments) throws IOException {
        Objects.requireNonNull(texts, "texts");
        QuantizerOptions options = QuantizerOptions.forCorpus(expectedDocuments, encoder.dimension())
                .withKind(QuantizerKind.RESIDUAL);
        if (texts.size() < options.codesPerPosition()) {
            throw new IllegalArgumentException("bootstrap needs at least V = " + options.codesPerPosition()
                    + " texts for its k-means codebooks, got " + texts.size());
        }
        long started = System.nanoTime();
        List<float[]> rows = new ArrayList<>(texts.size());
        for (int start = 0; start < texts.size(); start += 32) {
            rows.addAll(List.of(encoder.embed(texts.subList(start, Math.min(texts.size(), start + 32)))));
        }
        float[][] embeddings = rows.toArray(new float[0][]);
        Map<String, Object> quantizerEntry = new LinkedHashMap<>();
        quantizerEntry.put("file", "quantizer.bin");
        quantizerEntry.put("kind", options.kind().name());
        quantizerEntry.put("positions", options.positions());
        quantizerEntry.put("codesPerPosition", options.codesPerPosition());
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("bootstrapDocuments", texts.size());
        training.put("expectedDocuments", expectedDocuments);
        BundleManifest manifest = new BundleManifest(name, 1, null, Instant.now().toString(), BOOTSTRAP_METHOD,
                new BundleManifest.EncoderRef(spec.cliName(), spec.onnx().sha256(), maxLength),
                new BundleManifest.IdSchemeRef(options.positions(), options.codesPerPosition(), true),
                Map.of(QUANTIZER, quantizerEntry), training, null, null);
        Path published;
        try (NDManager manager = NDManager.newBaseManager();
             ResidualQuantizer quantizer = ResidualQuantizer.fit(manager, options, embeddings)) {
            published = registry.publish(manifest, dir -> quantizer.save(dir.resolve("quantizer.bin")));
        }
        return open(published);
    }

    /** {@link #latest} or, when the registry holds no version of {@code name}, {@link #bootstrap}. */
    public static IndexingBundle latestOrBootstrap(ModelRegistry registry, String name, SentenceEmbedder encoder,
                                                   EncoderSpec spec, int maxLength, List<String> texts,
                                                   int expectedDocuments) {
        try {
            Optional<IndexingBundle> latest = latest(registry, name);
            return latest.isPresent() ? latest.get()
                    : bootstrap(registry, name, encoder, spec, maxLength, texts, expectedDocuments);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bootstrap model bundle " + name + " in " + registry.root(), e);
        }
    }
}
