package io.dsistream.pipelines.cli;

import io.dsistream.models.encoder.EncoderBenchmark;
import io.dsistream.models.encoder.EncoderBenchmarkResult;
import io.dsistream.models.encoder.EncoderOptions;
import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.encoder.TextEncoder;
import io.dsistream.models.eval.BeirDataset;
import io.dsistream.models.eval.BeirDocument;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dsi bench encoder}: documents per second of the encoder at several batch sizes, and peak memory. */
@Command(
        name = "encoder",
        mixinStandardHelpOptions = true,
        description = {
            "Measures the encoder's throughput (documents/s) on a BEIR corpus at batch sizes 1, 8 and 32, and the",
            "process's peak memory. This is the physical limit the streaming job is compared with.",
            "Example: ./dsi bench encoder --dataset ../shared/data/scifact --encoder minilm"
        })
final class BenchEncoderCommand implements Callable<Integer> {

    @Option(names = "--dataset", defaultValue = "../shared/data/scifact", paramLabel = "DIR",
            description = "BEIR directory whose corpus.jsonl supplies the documents (default: ${DEFAULT-VALUE}).")
    Path dataset;

    @Option(names = "--encoder", defaultValue = "minilm", paramLabel = "NAME",
            converter = CliConverters.EncoderConverter.class,
            description = "minilm or bge-small (default: ${DEFAULT-VALUE}).")
    EncoderSpec encoder;

    @Option(names = "--max-length", defaultValue = "256", paramLabel = "TOKENS",
            description = "Tokens per document; longer ones are truncated (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--batch-sizes", defaultValue = "1,8,32", split = ",", paramLabel = "N",
            description = "Batch sizes to measure (default: ${DEFAULT-VALUE}).")
    int[] batchSizes;

    @Option(names = "--documents", defaultValue = "512", paramLabel = "N",
            description = "Documents encoded per batch size after warm-up (default: ${DEFAULT-VALUE}).")
    int documents;

    @Option(names = "--seconds", defaultValue = "60", paramLabel = "S",
            description = "Time budget per batch size; stops early when it runs out (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--out", paramLabel = "FILE.json", description = "Also write the figures as JSON.")
    Path out;

    @Override
    public Integer call() throws Exception {
        System.err.printf("dsi bench encoder --dataset %s --encoder %s --max-length %d --batch-sizes %s "
                        + "--documents %d --seconds %d%n", dataset, encoder.cliName(), maxLength,
                java.util.Arrays.toString(batchSizes), documents, seconds);
        List<BeirDocument> corpus = BeirDataset.load(dataset).corpus();
        List<String> texts = corpus.stream().map(BeirDocument::flatText).toList();
        EncoderOptions options = EncoderOptions.builder().optMaxLength(maxLength).build();
        try (TextEncoder textEncoder = TextEncoder.load(encoder, options)) {
            List<EncoderBenchmarkResult> results = EncoderBenchmark.builder()
                    .optBatchSizes(batchSizes)
                    .optDocumentsPerSize(documents)
                    .optTimeBudgetPerSize(Duration.ofSeconds(seconds))
                    .build()
                    .run(textEncoder, texts);
            System.out.println(EncoderBenchmark.table(results));
            if (out != null) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("encoder", encoder.cliName());
                json.put("maxLength", maxLength);
                json.put("cpus", Runtime.getRuntime().availableProcessors());
                json.put("results", results);
                EvalCommand.writeJson(out, json);
            }
        }
        return 0;
    }
}
