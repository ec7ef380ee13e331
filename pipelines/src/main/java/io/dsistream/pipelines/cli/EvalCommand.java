package io.dsistream.pipelines.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.eval.BeirDataset;
import io.dsistream.models.eval.EvaluationResult;
import io.dsistream.models.eval.TrecRunWriter;
import io.dsistream.models.ids.BalanceReport;
import io.dsistream.models.retrieval.LeafRanking;
import io.dsistream.pipelines.eval.EvalRunner;
import io.dsistream.pipelines.eval.EvalSettings;
import io.dsistream.pipelines.eval.RetrievalMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dsi eval}: scores a retrieval method on a BEIR split with trec_eval's metrics. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = {
            "Evaluates a retrieval method on a BEIR dataset split and prints nDCG@10, MRR@10, Recall@10/100 and Hits@1/10.",
            "Example: ./dsi eval --dataset ../shared/data/scifact --split test --method bm25"
        })
final class EvalCommand implements Callable<Integer> {

    @Option(names = "--dataset", required = true, paramLabel = "DIR",
            description = "BEIR directory holding corpus.jsonl, queries.jsonl and qrels/<split>.tsv.")
    Path dataset;

    @Option(names = "--split", defaultValue = "test", paramLabel = "NAME",
            description = "Qrels split to evaluate on (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--method", defaultValue = "bm25", paramLabel = "METHOD",
            converter = CliConverters.RetrievalMethodConverter.class,
            description = "Retrieval method: bm25 (Lucene, Anserini's k1=0.9 b=0.4), dense (exhaustive cosine over "
                    + "the encoder's vectors), or asi, dsi-semantic, dsi-naive, dsi-atomic with --model. "
                    + "Default: ${DEFAULT-VALUE}.")
    RetrievalMethod method;

    @Option(names = "--encoder", defaultValue = "minilm", paramLabel = "NAME",
            converter = CliConverters.EncoderConverter.class,
            description = "Encoder for dense methods: minilm (all-MiniLM-L6-v2) or bge-small (bge-small-en-v1.5). "
                    + "Default: ${DEFAULT-VALUE}.")
    EncoderSpec encoder;

    @Option(names = "--max-length", defaultValue = "256", paramLabel = "TOKENS",
            description = "Encoder input length in tokens; longer texts are truncated (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--batch-size", defaultValue = "32", paramLabel = "N",
            description = "Texts per encoder pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--depth", defaultValue = "100", paramLabel = "K",
            description = "Documents retrieved per query (default: ${DEFAULT-VALUE}; Recall@100 needs 100).")
    int depth;

    @Option(names = "--metrics-out", paramLabel = "FILE.json",
            description = "Also write the metrics as one flat JSON object.")
    Path metricsOut;

    @Option(names = "--run-out", paramLabel = "FILE.trec", description = "Also write a TREC run file.")
    Path runOut;

    @Option(names = "--model", paramLabel = "BUNDLE_DIR",
            description = "Model bundle of a generative method (asi, dsi-semantic, dsi-naive, dsi-atomic), "
                    + "written by dsi train.")
    Path model;

    @Option(names = "--beam-size", paramLabel = "N",
            description = "Generative methods: beam size of the trie-constrained beam search (default 10).")
    Integer beamSize;

    @Option(names = "--w-dec", paramLabel = "W",
            description = "Generative methods: weight of the decoder path log-probability (asi 0.01, dsi 1).")
    Float decoderWeight;

    @Option(names = "--w-dense", paramLabel = "W",
            description = "Generative methods: weight of the dense dot product (asi 1, dsi 0).")
    Float denseWeight;

    @Option(names = "--candidate-share", paramLabel = "SHARE",
            description = "asi: fill the candidates up to this share of the corpus with the leaves the query's own "
                    + "code probabilities rank best (default 0.10; 0 = beam leaves and own ID only).")
    Double candidateShare;

    @Option(names = "--leaf-ranking", paramLabel = "HOW",
            description = "Generative methods: how the leaves that fill the candidate budget are ranked: "
                    + "decoder_and_code (decoder log p(ID|q) plus the quantizer's code log-probabilities; asi "
                    + "default), code_probability (the quantizer's alone), decoder (the decoder's alone) or centroid "
                    + "(dot product with each leaf's mean document embedding).")
    LeafRanking leafRanking;

    @Option(names = "--candidates", paramLabel = "HOW",
            description = "asi: budget (trie-constrained beam, own ID, leaves up to --candidate-share; default) or "
                    + "planned (exactly what the streaming job serves: decoder beam over the ID space, the "
                    + "quantizer's best --quantizer-leaves IDs, empty ones backing off; compare with dsi demo).")
    EvalSettings.CandidateSelection candidates;

    @Option(names = "--quantizer-leaves", paramLabel = "N",
            description = "asi with --candidates planned: IDs the quantizer proposes per query (default 48).")
    Integer quantizerLeaves;

    @Option(names = "--leaf-capacity", paramLabel = "N",
            description = "asi: re-assign the corpus's IDs with the bundle's quantizer, at most N documents per leaf "
                    + "(the next most probable leaf with room; 0 = plain argmax) instead of the stored IDs.")
    Integer leafCapacity;

    @Option(names = "--quiet", description = "No progress lines.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        EvalSettings settings = new EvalSettings(dataset, split, method, encoder, maxLength, batchSize, depth,
                !quiet, CliConverters.cacheDirectory(), model,
                new EvalSettings.RetrievalOverrides(beamSize, decoderWeight, denseWeight, candidateShare,
                        leafRanking, candidates, quantizerLeaves, leafCapacity));
        System.err.println("dsi eval " + settings);
        BeirDataset beir = BeirDataset.load(dataset);
        if (!beir.hasSplit(split)) {
            throw new IllegalArgumentException("dataset " + dataset + " has no qrels/" + split + ".tsv; splits: "
                    + beir.splits());
        }
        long started = System.nanoTime();
        EvalRunner runner = new EvalRunner(settings);
        EvaluationResult result = runner.run(beir);
        double seconds = (System.nanoTime() - started) / 1e9;

        Map<String, Double> metrics = new java.util.LinkedHashMap<>(result.toFlatMap());
        System.out.println(table(settings.methodLabel(), metrics));
        System.out.printf(Locale.ROOT, "(%d queries of split '%s', %.1f s)%n", result.perQuery().size(), split, seconds);
        if (runner.balance().isPresent()) {
            BalanceReport balance = runner.balance().get();
            System.out.println("balance: " + balance);
            balance.toMap().forEach((key, value) -> metrics.put("balance." + key, value.doubleValue()));
        }
        if (metricsOut != null) {
            writeJson(metricsOut, metrics);
            System.err.println("metrics written to " + metricsOut);
        }
        if (runOut != null) {
            TrecRunWriter.write(runOut, result.rankings(), settings.methodLabel());
            System.err.println("run written to " + runOut);
        }
        return 0;
    }

    static String table(String label, Map<String, Double> metrics) {
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-22s", "method"));
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-22s", label));
        for (Map.Entry<String, Double> metric : metrics.entrySet()) {
            int width = Math.max(10, metric.getKey().length() + 2);
            header.append(String.format(Locale.ROOT, "%" + width + "s", metric.getKey()));
            String value = metric.getKey().equals("queries") || metric.getKey().startsWith("docs_scored")
                    ? String.format(Locale.ROOT, "%.1f", metric.getValue())
                    : String.format(Locale.ROOT, "%.4f", metric.getValue());
            row.append(String.format(Locale.ROOT, "%" + width + "s", value));
        }
        return header + System.lineSeparator() + row;
    }

    static void writeJson(Path file, Map<String, ?> values) throws java.io.IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), values);
    }
}
