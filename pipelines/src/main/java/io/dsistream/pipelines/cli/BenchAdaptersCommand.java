package io.dsistream.pipelines.cli;

import io.dsistream.models.adapters.AdapterKind;
import io.dsistream.models.adapters.AdapterOptions;
import io.dsistream.models.adapters.DenseRetrieverFineTuner;
import io.dsistream.models.adapters.EncoderAdapters;
import io.dsistream.models.adapters.FineTuningOptions;
import io.dsistream.models.adapters.FineTuningResult;
import io.dsistream.models.adapters.FineTuningTechnique;
import io.dsistream.models.adapters.PruningImportance;
import io.dsistream.models.adapters.TrainingPairs;
import io.dsistream.models.encoder.EncoderOptions;
import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.encoder.ProcessMemory;
import io.dsistream.models.encoder.TextEncoder;
import io.dsistream.models.eval.BeirDataset;
import io.dsistream.models.eval.CorpusVectors;
import io.dsistream.models.eval.DenseRetriever;
import io.dsistream.models.eval.Evaluation;
import io.dsistream.models.eval.EvaluationResult;
import io.dsistream.models.eval.ProgressReporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dsi bench adapters}: fine-tunes the encoder as a dense retriever on a BEIR train split with each technique
 * (frozen, full, LoRA, QLoRA, AdaLoRA, ConvLoRA, LoRA + dynamic pruning) under the same seed and steps, then
 * retrieves the test split exhaustively with the tuned encoder: the comparison table of the DSI + PEFT report.
 */
@Command(
        name = "adapters",
        mixinStandardHelpOptions = true,
        description = {
            "Fine-tunes the encoder on the train qrels (in-batch contrastive loss; validation carved from train) with",
            "each technique, same seed and steps, and reports trainable/total parameters, training and validation",
            "time per 1k samples, peak memory, base-weight memory and test nDCG@10 (dense exhaustive retrieval).",
            "Example: ./dsi bench adapters --dataset ../shared/data/scifact --out adapters.json"
        })
final class BenchAdaptersCommand implements Callable<Integer> {

    @Option(names = "--dataset", defaultValue = "../shared/data/scifact", paramLabel = "DIR",
            description = "BEIR directory with train and test qrels (default: ${DEFAULT-VALUE}).")
    Path dataset;

    @Option(names = "--encoder", defaultValue = "minilm", paramLabel = "NAME",
            converter = CliConverters.EncoderConverter.class,
            description = "minilm or bge-small (default: ${DEFAULT-VALUE}).")
    EncoderSpec encoder;

    @Option(names = "--techniques", defaultValue = "none,lora,qlora,full,adalora,convlora,lora-pruned", split = ",",
            paramLabel = "NAME", description = "Techniques to run, in order (default: ${DEFAULT-VALUE}).")
    List<String> techniques;

    @Option(names = "--steps", defaultValue = "60", paramLabel = "N", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch-size", defaultValue = "16", paramLabel = "N",
            description = "Pairs per step; the batch's other documents are the negatives (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr-full", defaultValue = "2e-5", paramLabel = "RATE",
            description = "AdamW rate for full fine-tuning (default: ${DEFAULT-VALUE}).")
    float fullRate;

    @Option(names = "--lr-adapter", defaultValue = "5e-4", paramLabel = "RATE",
            description = "AdamW rate for adapters (default: ${DEFAULT-VALUE}).")
    float adapterRate;

    @Option(names = "--query-max-length", defaultValue = "64", paramLabel = "TOKENS",
            description = "Tokens per query in training (default: ${DEFAULT-VALUE}).")
    int queryMaxLength;

    @Option(names = "--doc-max-length", defaultValue = "128", paramLabel = "TOKENS",
            description = "Tokens per document in training (default: ${DEFAULT-VALUE}).")
    int docMaxLength;

    @Option(names = "--eval-max-length", defaultValue = "64", paramLabel = "TOKENS",
            description = {"Tokens per document and query in the test retrieval (default: ${DEFAULT-VALUE}; each",
                "technique re-encodes the corpus: 64 tokens keep the 7 techniques near 30 minutes on 2 cores)."})
    int evalMaxLength;

    @Option(names = "--validation-share", defaultValue = "0.1", paramLabel = "SHARE",
            description = "Share of train queries held out for validation (default: ${DEFAULT-VALUE}).")
    double validationShare;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "Seed for everything (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--sparsity", defaultValue = "0.5", paramLabel = "SHARE",
            description = "Target sparsity of lora-pruned (default: ${DEFAULT-VALUE}).")
    float sparsity;

    @Option(names = "--out", paramLabel = "FILE.json", description = "Also write the figures as JSON (after every technique).")
    Path out;

    @Override
    public Integer call() throws Exception {
        System.err.printf(Locale.ROOT, "dsi bench adapters --dataset %s --encoder %s --techniques %s --steps %d "
                        + "--batch-size %d --lr-full %s --lr-adapter %s --query-max-length %d --doc-max-length %d "
                        + "--eval-max-length %d --validation-share %s --seed %d --sparsity %s%n", dataset,
                encoder.cliName(), String.join(",", techniques), steps, batchSize, fullRate, adapterRate,
                queryMaxLength, docMaxLength, evalMaxLength, validationShare, seed, sparsity);
        List<FineTuningTechnique> chosen = techniques.stream().map(FineTuningTechnique::fromName).toList();
        BeirDataset data = BeirDataset.load(dataset);
        TrainingPairs pairs = TrainingPairs.fromQrels(data, "train", validationShare, seed);
        System.err.printf(Locale.ROOT, "train pairs %d, validation pairs %d%n", pairs.train().size(),
                pairs.validation().size());
        FineTuningOptions tuning = FineTuningOptions.defaults().withSteps(steps).withBatchSize(batchSize)
                .withLearningRates(fullRate, adapterRate).withMaxLengths(queryMaxLength, docMaxLength).withSeed(seed)
                .withPruning(sparsity, PruningImportance.MAGNITUDE_TIMES_GRADIENT);
        EncoderOptions encoderOptions = EncoderOptions.builder().optMaxLength(evalMaxLength).build();

        List<Map<String, Object>> rows = new ArrayList<>();
        Double frozen = null;
        for (FineTuningTechnique technique : chosen) {
            resetPeakMemory();
            try (TextEncoder textEncoder = TextEncoder.load(encoder, encoderOptions)) {
                DenseRetrieverFineTuner tuner = new DenseRetrieverFineTuner(textEncoder, tuning);
                FineTuningResult result = tuner.run(technique, adapterOptions(technique), pairs);
                long peakTraining = ProcessMemory.peakResidentBytes().orElse(-1);
                Long adapterFileBytes = null;
                if (tuner.adapters().isPresent()) {
                    EncoderAdapters adapters = tuner.adapters().get();
                    Path file = Files.createTempFile("adapter-" + technique.cliName(), ".bin");
                    adapters.save(file);
                    adapterFileBytes = Files.size(file);
                    Files.delete(file);
                    if (technique.adapterKind() != AdapterKind.CONVLORA) {
                        adapters.merge(); // serve as a plain encoder: one product per projection
                    }
                }
                long evalStarted = System.nanoTime();
                CorpusVectors corpus = DenseRetriever.encodeCorpus(textEncoder, data.corpus(), 32,
                        ProgressReporter.toStderr("encoding corpus (" + technique.cliName() + ")", "docs",
                                data.corpus().size()));
                EvaluationResult evaluation = new Evaluation(data, "test").run(new DenseRetriever(textEncoder, corpus));
                double evalSeconds = (System.nanoTime() - evalStarted) / 1e9;
                double ndcg = evaluation.metrics().ndcgAt10();
                if (technique == FineTuningTechnique.NONE) {
                    frozen = ndcg;
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("technique", technique.cliName());
                row.put("trainableParameters", result.trainableParameters());
                row.put("totalParameters", result.totalParameters());
                row.put("trainableShareOfEncoder", (double) result.trainableParameters() / (result.baseFp32Bytes() / 4));
                row.put("steps", result.steps());
                row.put("trainSamples", result.trainSamples());
                row.put("trainSeconds", result.trainSeconds());
                row.put("trainSecondsPer1kSamples", result.trainSecondsPer1k());
                row.put("validationSamples", result.validationSamples());
                row.put("validationSecondsPer1kSamples", result.validationSecondsPer1k());
                row.put("firstLoss", result.firstLoss());
                row.put("lastLoss", result.lastLoss());
                row.put("validationLoss", result.validationLoss());
                row.put("peakTrainingRssBytes", peakTraining);
                row.put("peakRssBytes", ProcessMemory.peakResidentBytes().orElse(-1));
                row.put("baseWeightBytes", result.baseWeightBytes());
                row.put("baseWeightFp32Bytes", result.baseFp32Bytes());
                if (tuner.adapters().isPresent() && technique.adapterKind() == AdapterKind.QLORA) {
                    long[] quantized = tuner.adapters().get().quantizedLinearBytes();
                    row.put("quantizedLinearBytes", quantized[0]);
                    row.put("quantizedLinearFp32Bytes", quantized[1]);
                    long[] tables = tuner.adapters().get().quantizedEmbeddingBytes();
                    row.put("quantizedEmbeddingBytes", tables[0]);
                    row.put("quantizedEmbeddingFp32Bytes", tables[1]);
                }
                row.put("adapterFileBytes", adapterFileBytes);
                row.put("sparsity", Double.isNaN(result.sparsity()) ? null : result.sparsity());
                row.put("adaloraMeanRank", Double.isNaN(result.meanRank()) ? null : result.meanRank());
                row.put("testEvalSeconds", evalSeconds);
                row.put("testNdcgAt10", ndcg);
                row.put("testRecallAt100", evaluation.metrics().recallAt100());
                row.put("ndcgAt10GainOverFrozen", frozen == null ? null : ndcg - frozen);
                rows.add(row);
                System.err.println("result " + row);
                if (out != null) {
                    writeJson(rows, tuning);
                }
            }
        }
        System.out.println(table(rows));
        return 0;
    }

    private AdapterOptions adapterOptions(FineTuningTechnique technique) {
        AdapterKind kind = technique.adapterKind();
        if (kind == null) {
            return null;
        }
        AdapterOptions.Builder builder = AdapterOptions.builder(kind).optSeed(seed);
        if (kind == AdapterKind.ADALORA) {
            // AdaLoRA: 12 → 8 triplets per matrix on average, pruned from 10% to 70% of the steps.
            builder.optRankBudget(12, 8).optBudgetSchedule(Math.max(0, steps / 10), Math.max(steps / 10 + 1, steps * 7 / 10),
                    Math.max(1, steps / 30));
        }
        return builder.build();
    }

    private void writeJson(List<Map<String, Object>> rows, FineTuningOptions tuning) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("dataset", dataset.toString());
        json.put("encoder", encoder.cliName());
        json.put("fineTuning", tuning);
        json.put("evalMaxLength", evalMaxLength);
        json.put("cpus", Runtime.getRuntime().availableProcessors());
        json.put("results", rows);
        EvalCommand.writeJson(out, json);
    }

    /** Linux: resets the peak resident set size (VmHWM) so each technique's peak is its own. */
    private static void resetPeakMemory() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // not Linux, or not allowed: peaks then accumulate over techniques
        }
    }

    static String table(List<Map<String, Object>> rows) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "| %-11s | %10s | %7s | %10s | %9s | %9s | %8s | %8s | %8s | %7s |%n",
                "technique", "trainable", "% enc", "total", "train s/1k", "val s/1k", "peak MB", "base MB",
                "nDCG@10", "Δ none"));
        text.append("|-------------|------------|---------|------------|-----------|-----------|----------|----------|----------|---------|\n");
        for (Map<String, Object> row : rows) {
            Object gain = row.get("ndcgAt10GainOverFrozen");
            text.append(String.format(Locale.ROOT, "| %-11s | %10d | %6.2f%% | %10d | %9.1f | %9.1f | %8.0f | %8.1f | %8.4f | %7s |%n",
                    row.get("technique"), (Long) row.get("trainableParameters"),
                    100 * (Double) row.get("trainableShareOfEncoder"), (Long) row.get("totalParameters"),
                    (Double) row.get("trainSecondsPer1kSamples"), (Double) row.get("validationSecondsPer1kSamples"),
                    ((Long) row.get("peakTrainingRssBytes")) / 1048576.0, ((Long) row.get("baseWeightBytes")) / 1048576.0,
                    (Double) row.get("testNdcgAt10"),
                    gain == null ? "" : String.format(Locale.ROOT, "%+.4f", (Double) gain)));
        }
        return text.toString();
    }
}
