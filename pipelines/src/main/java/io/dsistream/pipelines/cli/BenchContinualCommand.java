package io.dsistream.pipelines.cli;

import io.dsistream.models.adapters.AdapterKind;
import io.dsistream.models.adapters.AdapterOptions;
import io.dsistream.models.continual.ContinualOptions;
import io.dsistream.models.continual.ContinualStrategy;
import io.dsistream.models.continual.DsiPlusPlusProtocol;
import io.dsistream.models.continual.ProtocolSettings;
import io.dsistream.models.encoder.EncoderOptions;
import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.encoder.TextEncoder;
import io.dsistream.models.eval.BeirDataset;
import io.dsistream.models.eval.CorpusVectors;
import io.dsistream.models.eval.EmbeddingCache;
import io.dsistream.models.eval.EmbeddingCacheKey;
import io.dsistream.models.eval.ProgressReporter;
import io.dsistream.models.retrieval.RetrievalOptions;
import io.dsistream.models.training.DecoderShape;
import io.dsistream.models.training.TrainingOptions;
import io.dsistream.pipelines.continual.StreamedDsiPlusPlus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dsi bench continual}: the DSI++ protocol on a BEIR dataset: initial 60% plus four 10% increments, strategies
 * none / naive / replay, Recall@10 and nDCG@10 after each increment on the initial part's and each increment's test
 * queries, forgetting, new-document figures and the whole-corpus reference, time per round and the encoder's share.
 * By default every increment is streamed through the job and its trainer ({@link StreamedDsiPlusPlus});
 * {@code --offline} runs the same rounds in this process ({@link DsiPlusPlusProtocol}).
 */
@Command(
        name = "continual",
        mixinStandardHelpOptions = true,
        description = {
            "The DSI++ continual-indexing protocol: an initial model on 60% of the corpus, then four 10% increments,",
            "each followed by a fine-tuning round per strategy (none, naive, replay); Recall@10 / nDCG@10 on the test",
            "queries of the initial documents and of each increment; forgetting and new-document recall against a",
            "model trained on the whole corpus at once.",
            "By default each increment is streamed through the job (Kafka, MiniCluster, RocksDB) with the trainer on;",
            "--offline runs the rounds in this process instead.",
            "Example: ./dsi bench continual --dataset ../shared/data/scifact --out continual.json"
        })
final class BenchContinualCommand implements Callable<Integer> {

    @Option(names = "--offline",
            description = "Run the rounds in this process instead of streaming the increments through the job.")
    boolean offline;

    @Option(names = "--parallelism", defaultValue = "1", paramLabel = "N",
            description = "Streamed: the job's parallelism; the trainer takes one more slot (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--gate-margin", defaultValue = "0.01", paramLabel = "M",
            description = "Streamed: the publish gate's largest Recall@10 drop on held-back feedback still "
                    + "published (default: ${DEFAULT-VALUE}).")
    double gateMargin;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Streamed: where registries, Kafka and job state go (default: a temporary directory).")
    Path workDir;

    @Option(names = "--dataset", defaultValue = "../shared/data/scifact", paramLabel = "DIR",
            description = "BEIR directory with train and test qrels (default: ${DEFAULT-VALUE}).")
    Path dataset;

    @Option(names = "--encoder", defaultValue = "minilm", paramLabel = "NAME",
            converter = CliConverters.EncoderConverter.class,
            description = "minilm or bge-small (default: ${DEFAULT-VALUE}).")
    EncoderSpec encoder;

    @Option(names = "--strategies", defaultValue = "none,naive,replay", split = ",", paramLabel = "NAME",
            description = "Strategies to run (default: ${DEFAULT-VALUE}).")
    List<String> strategies;

    @Option(names = "--documents", defaultValue = "0", paramLabel = "N",
            description = "0: the whole corpus; else a seeded subset of N documents, judged ones first (default: ${DEFAULT-VALUE}).")
    int documents;

    @Option(names = "--increments", defaultValue = "4", paramLabel = "N", description = "Increments after the initial part (default: ${DEFAULT-VALUE}).")
    int increments;

    @Option(names = "--initial-share", defaultValue = "0.6", paramLabel = "SHARE",
            description = "Share of the corpus in the initial part (default: ${DEFAULT-VALUE}).")
    double initialShare;

    @Option(names = "--initial-epochs", defaultValue = "3", paramLabel = "N",
            description = "Epochs of the initial (and reference) ASI++ training (default: ${DEFAULT-VALUE}).")
    int initialEpochs;

    @Option(names = "--decoder", defaultValue = "2,384,6", paramLabel = "LAYERS,WIDTH,HEADS",
            description = "ID decoder size (default: ${DEFAULT-VALUE}, the trainer's default decoder).")
    String decoder;

    @Option(names = "--round-epochs", defaultValue = "2", paramLabel = "N", description = "Epochs per round (default: ${DEFAULT-VALUE}).")
    int roundEpochs;

    @Option(names = "--round-batch", defaultValue = "32", paramLabel = "N", description = "Pairs per round step (default: ${DEFAULT-VALUE}).")
    int roundBatch;

    @Option(names = "--round-lr", defaultValue = "5e-4", paramLabel = "RATE",
            description = "AdamW rate for decoder and quantizer in rounds (default: ${DEFAULT-VALUE}).")
    float roundRate;

    @Option(names = "--round-quantizer-lr", defaultValue = "0", paramLabel = "RATE",
            description = "AdamW rate for the quantizer in rounds; 0 keeps it fixed, so stored IDs never drift "
                    + "(default: ${DEFAULT-VALUE}).")
    float roundQuantizerRate;

    @Option(names = "--adapter", defaultValue = "lora", paramLabel = "KIND",
            description = "Encoder adapter rounds train: lora, qlora, adalora, convlora, or none for a frozen encoder (default: ${DEFAULT-VALUE}).")
    String adapter;

    @Option(names = "--lr-adapter", defaultValue = "5e-4", paramLabel = "RATE",
            description = "AdamW rate for the adapter (default: ${DEFAULT-VALUE}).")
    float adapterRate;

    @Option(names = "--distillation", defaultValue = "1", paramLabel = "W",
            description = "Weight of replayed pairs' query-vector distillation to the serving model; 0 turns it off "
                    + "(default: ${DEFAULT-VALUE}).")
    float distillation;

    @Option(names = "--replay-ratio", defaultValue = "1.0", paramLabel = "R",
            description = "Replayed documents per new document in a round (default: ${DEFAULT-VALUE}).")
    double replayRatio;

    @Option(names = "--replay-reservoir", defaultValue = "2000", paramLabel = "N",
            description = "Reservoir size of the replay buffer (default: ${DEFAULT-VALUE}).")
    int reservoir;

    @Option(names = "--replay-window", defaultValue = "500", paramLabel = "N",
            description = "Recent-window size of the replay buffer (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--no-reference", description = "Skip the whole-corpus reference model.")
    boolean noReference;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "Seed for everything (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "FILE.json", description = "Write the report as JSON (rewritten after every step).")
    Path out;

    @Override
    public Integer call() throws Exception {
        System.err.printf(Locale.ROOT, "dsi bench continual%s --dataset %s --encoder %s --strategies %s "
                        + "--documents %d --increments %d --initial-share %s --initial-epochs %d --decoder %s "
                        + "--round-epochs %d --round-batch %d --round-lr %s --round-quantizer-lr %s --adapter %s --lr-adapter %s "
                        + "--distillation %s --replay-ratio %s --replay-reservoir %d --replay-window %d%s --seed %d%n",
                offline ? " --offline" : " --parallelism " + parallelism + " --gate-margin " + gateMargin, dataset,
                encoder.cliName(), String.join(",", strategies), documents, increments, initialShare, initialEpochs,
                decoder, roundEpochs, roundBatch, roundRate, roundQuantizerRate, adapter, adapterRate, distillation,
                replayRatio, reservoir, window,
                noReference ? " --no-reference" : "", seed);
        BeirDataset data = BeirDataset.load(dataset);
        Path cache = CliConverters.cacheDirectory();
        CorpusVectors vectors;
        try (TextEncoder documentEncoder = TextEncoder.load(encoder,
                EncoderOptions.builder().optMaxLength(EncoderOptions.DEFAULT_MAX_LENGTH).build())) {
            EmbeddingCacheKey key = EmbeddingCacheKey.forCorpusFile(encoder.cliName(),
                    EncoderOptions.DEFAULT_MAX_LENGTH, data.corpusFile());
            vectors = new EmbeddingCache(cache.resolve("embeddings")).loadOrEncode(key, data.corpus(),
                    documentEncoder, EncoderOptions.DEFAULT_BATCH_SIZE,
                    ProgressReporter.toStderr("encoding corpus", "docs", data.corpus().size()));
        }
        String[] shape = decoder.split(",");
        if (shape.length != 3) {
            throw new IllegalArgumentException("--decoder must be LAYERS,WIDTH,HEADS, got " + decoder);
        }
        TrainingOptions training = TrainingOptions.defaults(TrainingOptions.ASI)
                .withSchedule(initialEpochs, 64, 1, 1e-3f).withRun(seed, 3, initialEpochs, 50, 100);
        ContinualOptions round = ContinualOptions.defaults()
                .withSchedule(roundEpochs, roundBatch, roundRate, adapterRate)
                .withQuantizerLearningRate(roundQuantizerRate)
                .withDistillationWeight(distillation)
                .withData(true, 2, replayRatio).withSeed(seed);
        AdapterOptions adapterOptions = "none".equals(adapter) ? null
                : AdapterOptions.builder(AdapterKind.fromName(adapter)).optSeed(seed).build();
        ProtocolSettings settings = new ProtocolSettings(encoder, initialShare, increments, documents, seed, training,
                new DecoderShape(Integer.parseInt(shape[0].trim()), Integer.parseInt(shape[1].trim()),
                        Integer.parseInt(shape[2].trim())), round, adapterOptions,
                strategies.stream().map(ContinualStrategy::fromCliName).toList(), reservoir, window, !noReference,
                RetrievalOptions.asiDefaults(), cache);
        Path work = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("dsi-continual-");
        Map<String, Object> report = offline
                ? new DsiPlusPlusProtocol(settings, System.err).run(data, vectors, work, this::write)
                : new StreamedDsiPlusPlus(settings, new StreamedDsiPlusPlus.Options(work, parallelism, adapter,
                        gateMargin, Duration.ofHours(2)), System.err).run(data, vectors, this::write);
        for (Map.Entry<String, Object> entry : report.entrySet()) {
            if (entry.getKey().startsWith("forgetting.") || entry.getKey().startsWith("new_docs.")
                    || entry.getKey().startsWith("round_seconds.") || entry.getKey().startsWith("encoder_share.")) {
                System.out.printf(Locale.ROOT, "%-45s %.4f%n", entry.getKey(), (Double) entry.getValue());
            }
        }
        if (report.get("corpus_growth") instanceof Map<?, ?> growth) {
            System.out.printf(Locale.ROOT, "%-45s %.4f%n", "corpus_growth.drop.recall@10 (exhaustive dense)",
                    (Double) growth.get("drop.recall@10"));
        }
        return 0;
    }

    private void write(Map<String, Object> report) {
        if (out == null) {
            return;
        }
        try {
            report.put("dataset", dataset.toString());
            report.put("cpus", Runtime.getRuntime().availableProcessors());
            EvalCommand.writeJson(out, report);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out, e);
        }
    }
}
