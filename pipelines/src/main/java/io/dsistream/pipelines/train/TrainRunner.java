package io.dsistream.pipelines.train;

import ai.djl.ndarray.NDManager;
import io.dsistream.models.augment.TextAugmenter;
import io.dsistream.models.bundle.BundleManifest;
import io.dsistream.models.bundle.IdModelBundle;
import io.dsistream.models.encoder.EncoderOptions;
import io.dsistream.models.encoder.TextEncoder;
import io.dsistream.models.eval.BeirDataset;
import io.dsistream.models.eval.CorpusVectors;
import io.dsistream.models.eval.EmbeddingCache;
import io.dsistream.models.eval.EmbeddingCacheKey;
import io.dsistream.models.eval.ProgressReporter;
import io.dsistream.models.training.AsiTrainer;
import io.dsistream.models.training.DsiTrainer;
import io.dsistream.models.training.EncodedTexts;
import io.dsistream.models.training.TrainingData;
import io.dsistream.models.training.TrainingOptions;
import io.dsistream.models.training.TrainingResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a generative-retrieval model on a BEIR directory and writes its bundle: document vectors from the shared
 * embedding cache, training pairs ({@link TrainingData}), the frozen encoder's token states of the short texts
 * (cached under {@code .cache/training}), the trainer of the method, then {@link IdModelBundle#write}.
 */
public final class TrainRunner {

    private final TrainSettings settings;
    private final PrintStream log;

    public TrainRunner(TrainSettings settings, PrintStream log) {
        this.settings = settings;
        this.log = log;
    }

    public BundleManifest run() throws Exception {
        long started = System.nanoTime();
        BeirDataset dataset = BeirDataset.load(settings.dataset());
        TrainingOptions options = settings.training();
        CorpusVectors documents;
        try (TextEncoder encoder = TextEncoder.load(settings.encoder(), encoderOptions(settings.maxLength()))) {
            documents = corpusVectors(dataset, encoder);
        }
        TextAugmenter augmenter = options.augmentation().isIdentity() ? null
                : new TextAugmenter(options.augmentation(), "[MASK]");
        TrainingData data = TrainingData.build(dataset, dataset.corpus(), options, augmenter);
        EncodedTexts texts = encodedTexts(data);
        double encodeSeconds = (System.nanoTime() - started) / 1e9;
        log.printf("data ready in %.0f s: %d texts, %d pairs per epoch %s, %d validation queries%n", encodeSeconds,
                data.texts().size(), data.pairs().size(), data.counts(), data.validation().size());

        try (NDManager manager = NDManager.newBaseManager(io.dsistream.models.training.AsiTrainer.device())) {
            long trainStarted = System.nanoTime();
            TrainingResult result = TrainingOptions.ASI.equals(options.method())
                    ? new AsiTrainer(options, log).train(manager, data, texts, documents)
                    : new DsiTrainer(options, log).train(manager, data, texts, documents);
            Map<String, Object> training = new LinkedHashMap<>(result.statistics());
            training.put("train_seconds", (System.nanoTime() - trainStarted) / 1e9);
            training.put("data_seconds", encodeSeconds);
            training.put("total_seconds", (System.nanoTime() - started) / 1e9);
            training.put("dataset", settings.dataset().toAbsolutePath().normalize().toString());
            training.put("seed", options.seed());
            Map<String, Object> hyper = new LinkedHashMap<>();
            hyper.put("training_options", options.toString());
            BundleManifest manifest = IdModelBundle.write(settings.out(), settings.name(), result.model(),
                    settings.encoder(), settings.maxLength(), null, hyper, training, result.validation(),
                    result.balance());
            log.println("balance: " + result.balance());
            log.printf("bundle written to %s (validation %s, %.0f s in all)%n", settings.out(), result.validation(),
                    (System.nanoTime() - started) / 1e9);
            result.model().close();
            return manifest;
        }
    }

    private EncoderOptions encoderOptions(int maxLength) {
        return EncoderOptions.builder().optMaxLength(maxLength).optBatchSize(settings.batchSize()).build();
    }

    private CorpusVectors corpusVectors(BeirDataset dataset, TextEncoder encoder) throws IOException {
        EmbeddingCacheKey key = EmbeddingCacheKey.forCorpusFile(settings.encoder().cliName(), settings.maxLength(),
                dataset.corpusFile());
        ProgressReporter progress = ProgressReporter.of(settings.showProgress(), "encoding corpus", "docs",
                dataset.corpus().size());
        return new EmbeddingCache(settings.cacheDirectory().resolve("embeddings"))
                .loadOrEncode(key, dataset.corpus(), encoder, settings.batchSize(), progress);
    }

    /** Token states of every training text, from the cache when the same texts were encoded before. */
    private EncodedTexts encodedTexts(TrainingData data) throws IOException {
        TrainingOptions options = settings.training();
        String key = settings.encoder().cliName() + "/" + options.queryTokens() + "/" + options.indexTokens() + "/"
                + sha256(data.texts(), data.queryTextCount());
        Path file = settings.cacheDirectory().resolve("training").resolve(key.replace('/', '-') + ".bin");
        EncodedTexts cached = EncodedTexts.load(file, key);
        if (cached != null && cached.size() == data.texts().size()) {
            log.println("token states from " + file);
            return cached;
        }
        EncodedTexts queries;
        try (TextEncoder encoder = TextEncoder.load(settings.encoder(), encoderOptions(options.queryTokens()))) {
            queries = EncodedTexts.encode(encoder, data.queryTexts(), ProgressReporter.of(settings.showProgress(),
                    "encoding query-side texts", "texts", data.queryTextCount()));
        }
        EncodedTexts index;
        try (TextEncoder encoder = TextEncoder.load(settings.encoder(), encoderOptions(options.indexTokens()))) {
            index = EncodedTexts.encode(encoder, data.indexTexts(), ProgressReporter.of(settings.showProgress(),
                    "encoding indexing texts", "texts", data.indexTexts().size()));
        }
        EncodedTexts all = EncodedTexts.concat(queries, index);
        all.save(file, key);
        return all;
    }

    private static String sha256(List<String> texts, int split) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(Integer.toString(split).getBytes(StandardCharsets.UTF_8));
            for (String text : texts) {
                digest.update(text.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest()).substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
