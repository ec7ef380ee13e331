package io.dsistream.pipelines.cli;

import io.dsistream.models.asi.AsiTerm;
import io.dsistream.models.asi.QuantizerKind;
import io.dsistream.models.augment.AugmentationOptions;
import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.training.TrainingOptions;
import io.dsistream.pipelines.train.TrainRunner;
import io.dsistream.pipelines.train.TrainSettings;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dsi train}: trains a generative-retrieval model (ASI++ or a DSI baseline) and writes its bundle. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Trains learned semantic IDs and the ID decoder (ASI++) or a DSI baseline on a BEIR dataset with the "
                    + "encoder frozen, and writes a model bundle (manifest.json + weights + assignments).",
            "Example: ./dsi train --dataset ../shared/data/scifact --method asi --out runs/asi"
        })
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--dataset", required = true, paramLabel = "DIR",
            description = "BEIR directory: corpus.jsonl, queries.jsonl, qrels/ (train qrels used when present; "
                    + "without them training uses self-supervised pairs alone).")
    Path dataset;

    @Option(names = "--method", defaultValue = "asi", paramLabel = "METHOD",
            description = "asi, dsi-semantic, dsi-naive or dsi-atomic (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--quantizer", defaultValue = "mlp", paramLabel = "KIND",
            description = "ASI indexing module: mlp, rq or pq (default: ${DEFAULT-VALUE}).")
    String quantizer;

    @Option(names = "--no-loss", paramLabel = "TERMS", split = ",",
            description = "ASI++ terms to switch off, comma-separated: di, bot, ib (also c, ce, q).")
    Set<String> noLoss = Set.of();

    @Option(names = "--augment", paramLabel = "SWITCHES",
            description = "Augment indexing and self-supervised texts: num2word, stopwords, pos-mask, comma-separated.")
    String augment;

    @Option(names = "--encoder", defaultValue = "minilm", paramLabel = "NAME",
            converter = CliConverters.EncoderConverter.class,
            description = "Frozen encoder: minilm or bge-small (default: ${DEFAULT-VALUE}).")
    EncoderSpec encoder;

    @Option(names = "--out", required = true, paramLabel = "BUNDLE_DIR", description = "Bundle directory to write.")
    Path out;

    @Option(names = "--name", defaultValue = "model", paramLabel = "NAME",
            description = "Model name in the manifest (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--epochs", defaultValue = "6", paramLabel = "N", description = "At most N epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", paramLabel = "N",
            description = "Pairs per batch (default: ${DEFAULT-VALUE}).")
    int trainBatch;

    @Option(names = "--accumulate", defaultValue = "1", paramLabel = "N",
            description = "Batches per optimizer step (default: ${DEFAULT-VALUE}).")
    int accumulate;

    @Option(names = "--lr", defaultValue = "1e-3", paramLabel = "RATE",
            description = "AdamW peak learning rate (default: ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--positions", defaultValue = "0", paramLabel = "L",
            description = "ID positions; 0 sizes the ID space to the corpus (default: ${DEFAULT-VALUE}).")
    int positions;

    @Option(names = "--codes", defaultValue = "0", paramLabel = "V",
            description = "Codes per position; 0 sizes the ID space to the corpus (default: ${DEFAULT-VALUE}).")
    int codes;

    @Option(names = "--warm-start-epochs", defaultValue = "3", paramLabel = "N",
            description = "MLP only: epochs fitting the MLP to k-means codes first; 0 = random init (default: ${DEFAULT-VALUE}).")
    int warmStart;

    @Option(names = "--qrels-repeat", defaultValue = "2", paramLabel = "N",
            description = "Copies of each train qrels pair per epoch (default: ${DEFAULT-VALUE}).")
    int qrelsRepeat;

    @Option(names = "--indexing-repeat", defaultValue = "1", paramLabel = "N",
            description = "Copies of each indexing pair per epoch (default: ${DEFAULT-VALUE}).")
    int indexingRepeat;

    @Option(names = "--no-self-supervised", description = "Leave out the crop and inverse-cloze pairs.")
    boolean noSelfSupervised;

    @Option(names = "--patience", defaultValue = "2", paramLabel = "N",
            description = "Epochs without a better validation score before stopping (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--leaf-capacity", defaultValue = "" + TrainingOptions.DEFAULT_LEAF_CAPACITY, paramLabel = "N",
            description = "asi: most documents per leaf when the corpus gets its IDs (the next most probable leaf "
                    + "with room); 0 = the quantizer's plain argmax (default: ${DEFAULT-VALUE}).")
    int leafCapacity;

    @Option(names = "--max-length", defaultValue = "256", paramLabel = "TOKENS",
            description = "Encoder input length of the document vectors (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--quiet", description = "No progress lines while encoding.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        TrainingOptions defaults = TrainingOptions.defaults(method.toLowerCase(Locale.ROOT));
        TrainingOptions options = defaults
                .withQuantizerKind(quantizerKind(quantizer))
                .withDisabledTerms(terms(noLoss))
                .withSchedule(epochs, trainBatch, accumulate, learningRate)
                .withShape(positions, codes)
                .withData(qrelsRepeat, indexingRepeat, !noSelfSupervised)
                .withRun(seed, warmStart, patience, defaults.progressEvery(), defaults.warmupSteps())
                .withAugmentation(augment == null ? AugmentationOptions.NONE : AugmentationOptions.parse(augment))
                .withLeafCapacity(leafCapacity);
        TrainSettings settings = new TrainSettings(dataset, out, name, encoder, maxLength, 32, options, !quiet,
                CliConverters.cacheDirectory());
        System.err.println("dsi train " + settings);
        new TrainRunner(settings, System.err).run();
        return 0;
    }

    static QuantizerKind quantizerKind(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "mlp" -> QuantizerKind.MLP;
            case "rq" -> QuantizerKind.RESIDUAL;
            case "pq" -> QuantizerKind.PRODUCT;
            default -> throw new IllegalArgumentException("--quantizer must be mlp, rq or pq, got '" + name + "'");
        };
    }

    static Set<AsiTerm> terms(Set<String> names) {
        Set<AsiTerm> terms = EnumSet.noneOf(AsiTerm.class);
        for (String name : names) {
            String label = name.trim().toLowerCase(Locale.ROOT);
            AsiTerm found = null;
            for (AsiTerm term : AsiTerm.values()) {
                if (term.label().equals(label)) {
                    found = term;
                }
            }
            if (found == null) {
                throw new IllegalArgumentException("--no-loss: unknown term '" + name + "'; known: di, bot, ib, c, ce, q");
            }
            terms.add(found);
        }
        return terms;
    }
}
