package io.dsistream.pipelines.indexing;

import io.dsistream.models.continual.ContinualOptions;
import io.dsistream.models.continual.ContinualStrategy;
import io.dsistream.models.continual.GenerationTrigger;
import io.dsistream.models.continual.PublishGate;
import io.dsistream.models.continual.TrainerSettings;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

import java.time.Duration;
import java.util.Optional;

/**
 * The trainer's options ({@code dsi.train.*}; issue 7). Off by default: a job with {@code dsi.train.enabled: true}
 * adds the trainer in slot-sharing group {@value #SLOT_SHARING_GROUP}, which needs one more task slot.
 */
public final class TrainerJobOptions {

    /** The trainer's slot-sharing group. */
    public static final String SLOT_SHARING_GROUP = "train";

    public static final ConfigOption<Boolean> ENABLED = ConfigOptions.key("dsi.train.enabled")
            .booleanType().defaultValue(false)
            .withDescription("Run the continual trainer in the job (one more task slot, group 'train').");

    public static final ConfigOption<Long> WARM_UP_DOCUMENTS = ConfigOptions.key("dsi.train.trigger.warm-up-documents")
            .longType().defaultValue(0L)
            .withDescription("The first this many documents (an initial load the serving model was trained on) only "
                    + "fill the replay buffer; they are not new documents and start no round.");

    public static final ConfigOption<Long> EVERY_DOCUMENTS = ConfigOptions.key("dsi.train.trigger.documents")
            .longType().defaultValue(1000L)
            .withDescription("Start a round after this many newly indexed documents; 0: never on count.");

    public static final ConfigOption<Duration> EVERY = ConfigOptions.key("dsi.train.trigger.interval")
            .durationType().defaultValue(Duration.ofMinutes(30))
            .withDescription("Start a round this long after the last one began, if anything new arrived; 0: never.");

    public static final ConfigOption<Boolean> ON_BALANCE_ALERT = ConfigOptions.key("dsi.train.trigger.balance-alert")
            .booleanType().defaultValue(true)
            .withDescription("Start a round when the balance monitor reports status alert (and something is new).");

    public static final ConfigOption<String> STRATEGY = ConfigOptions.key("dsi.train.strategy")
            .stringType().defaultValue("replay")
            .withDescription("replay (new + replayed documents), naive (new only) or none (no fine-tuning).");

    public static final ConfigOption<String> ADAPTER = ConfigOptions.key("dsi.train.adapter")
            .stringType().defaultValue("lora")
            .withDescription("Encoder adapter a round trains when the serving bundle has none: lora, qlora, adalora, "
                    + "convlora, or none for a frozen encoder.");

    public static final ConfigOption<Integer> EPOCHS = ConfigOptions.key("dsi.train.epochs")
            .intType().defaultValue(2).withDescription("Passes over a round's pairs.");

    public static final ConfigOption<Integer> BATCH_SIZE = ConfigOptions.key("dsi.train.batch-size")
            .intType().defaultValue(32).withDescription("Pairs per step (in-batch negatives).");

    public static final ConfigOption<Float> LEARNING_RATE = ConfigOptions.key("dsi.train.learning-rate")
            .floatType().defaultValue(5e-4f).withDescription("AdamW rate of the ID decoder.");

    public static final ConfigOption<Float> QUANTIZER_LEARNING_RATE = ConfigOptions.key("dsi.train.quantizer-learning-rate")
            .floatType().defaultValue(0f)
            .withDescription("AdamW rate of the quantizer. 0 (the default) keeps it fixed, so the IDs queries are "
                    + "planned with never drift from the IDs stored in the trie.");

    public static final ConfigOption<Float> ADAPTER_LEARNING_RATE = ConfigOptions.key("dsi.train.adapter-learning-rate")
            .floatType().defaultValue(5e-4f).withDescription("AdamW rate of the encoder adapter.");

    public static final ConfigOption<Float> DISTILLATION_WEIGHT = ConfigOptions.key("dsi.train.distillation-weight")
            .floatType().defaultValue(ContinualOptions.defaults().distillationWeight())
            .withDescription("Weight of the replayed pairs' distillation: the squared distance of a replayed text's "
                    + "query vector to the serving model's. Keeps old queries where their documents' stored vectors "
                    + "expect them while the adapter learns; 0 turns it off, a frozen encoder ignores it.");

    public static final ConfigOption<Double> REPLAY_RATIO = ConfigOptions.key("dsi.train.replay-ratio")
            .doubleType().defaultValue(1.0).withDescription("Replayed documents per new document in a round.");

    public static final ConfigOption<Integer> REPLAY_RESERVOIR = ConfigOptions.key("dsi.train.replay.reservoir")
            .intType().defaultValue(2000).withDescription("Documents in the replay buffer's uniform sample.");

    public static final ConfigOption<Integer> REPLAY_WINDOW = ConfigOptions.key("dsi.train.replay.window")
            .intType().defaultValue(500).withDescription("Most recent documents the replay buffer keeps besides.");

    public static final ConfigOption<Integer> MAX_ROUND_DOCUMENTS = ConfigOptions.key("dsi.train.max-round-documents")
            .intType().defaultValue(2000).withDescription("Most new documents per round (the most recent are kept).");

    public static final ConfigOption<Integer> MAX_FEEDBACK = ConfigOptions.key("dsi.train.max-feedback")
            .intType().defaultValue(20_000).withDescription("Feedback pairs kept (the oldest are dropped).");

    public static final ConfigOption<String> GATE_METRIC = ConfigOptions.key("dsi.train.gate.metric")
            .stringType().defaultValue(PublishGate.RECALL_AT_10)
            .withDescription("recall@10 or ndcg@10 on the held-back pairs, candidate against the serving version.");

    public static final ConfigOption<Double> GATE_MARGIN = ConfigOptions.key("dsi.train.gate.margin")
            .doubleType().defaultValue(0.01)
            .withDescription("Largest drop of the gate metric still published (0.01 = one point).");

    public static final ConfigOption<Integer> HELD_BACK_EVERY = ConfigOptions.key("dsi.train.gate.held-back-every")
            .intType().defaultValue(5)
            .withDescription("One feedback query text in this many is held back for the gate, never trained on.");

    public static final ConfigOption<Integer> MIN_GATE_QUERIES = ConfigOptions.key("dsi.train.gate.min-queries")
            .intType().defaultValue(100)
            .withDescription("With fewer held-back queries, inverse-cloze sentences of the round's documents fill up.");

    public static final ConfigOption<Long> SEED = ConfigOptions.key("dsi.train.seed")
            .longType().defaultValue(42L).withDescription("Seeds sampling, shuffling, dropout, the replay buffer.");

    public static final ConfigOption<Duration> TICK = ConfigOptions.key("dsi.train.tick")
            .durationType().defaultValue(Duration.ofSeconds(1))
            .withDescription("How often the trainer checks its round and its triggers.");

    public static final ConfigOption<Double> GPUS = ConfigOptions.key("dsi.train.gpus")
            .doubleType().defaultValue(0.0)
            .withDescription("GPUs the 'train' slot-sharing group requests (Flink external resource 'gpu'; needs "
                    + "cluster.fine-grained-resource-management.enabled). 0: request none; the trainer still uses a "
                    + "GPU its task manager offers.");

    public static final ConfigOption<Double> GENERATION_DRIFT = ConfigOptions.key(
                    "dsi.train.generation.drift-threshold")
            .doubleType().defaultValue(GenerationTrigger.DEFAULTS.driftThreshold())
            .withDescription("Serve a published version through a new index generation (every document re-assigned "
                    + "with it into fresh trie state, queries switched once complete) when its round's ID drift — "
                    + "share of sampled documents whose ID under the new quantizer differs from the stored one — "
                    + "exceeds this; below it the version is swapped in place. Drift is 0 while "
                    + "dsi.train.quantizer-learning-rate is 0. Above 1: never on drift.");

    public static final ConfigOption<Boolean> GENERATION_ON_BALANCE_ALERT = ConfigOptions.key(
                    "dsi.train.generation.on-balance-alert")
            .booleanType().defaultValue(GenerationTrigger.DEFAULTS.onBalanceAlert())
            .withDescription("Also serve a published version through a new index generation when a balance alert "
                    + "arrived since the previous round (re-assigning with the same quantizer changes nothing: "
                    + "useful with dsi.train.quantizer-learning-rate > 0).");

    /** The trainer as the job builds it. */
    public record TrainerSetup(TrainerSettings settings, Duration tick, double gpus, GenerationTrigger generations) {
    }

    private TrainerJobOptions() {
    }

    /** The trainer's setup, or empty when {@link #ENABLED} is false. */
    public static Optional<TrainerSetup> from(Configuration conf, IndexingSettings indexing) {
        if (!conf.get(ENABLED)) {
            return Optional.empty();
        }
        ContinualOptions round = ContinualOptions.defaults()
                .withStrategy(ContinualStrategy.fromCliName(conf.get(STRATEGY)))
                .withSchedule(conf.get(EPOCHS), conf.get(BATCH_SIZE), conf.get(LEARNING_RATE),
                        conf.get(ADAPTER_LEARNING_RATE))
                .withQuantizerLearningRate(conf.get(QUANTIZER_LEARNING_RATE))
                .withDistillationWeight(conf.get(DISTILLATION_WEIGHT))
                .withData(true, ContinualOptions.defaults().feedbackRepeat(), conf.get(REPLAY_RATIO))
                .withSeed(conf.get(SEED));
        TrainerSettings settings = new TrainerSettings(indexing.registry().toAbsolutePath().toString(),
                indexing.modelName(), round, conf.get(ADAPTER), conf.get(REPLAY_RESERVOIR), conf.get(REPLAY_WINDOW),
                conf.get(MAX_ROUND_DOCUMENTS), conf.get(MAX_FEEDBACK), conf.get(WARM_UP_DOCUMENTS),
                conf.get(EVERY_DOCUMENTS),
                conf.get(EVERY).toMillis(), conf.get(ON_BALANCE_ALERT), conf.get(GATE_METRIC), conf.get(GATE_MARGIN),
                conf.get(HELD_BACK_EVERY), conf.get(MIN_GATE_QUERIES), indexing.queries().retrieval(),
                indexing.keyPrefixLength());
        return Optional.of(new TrainerSetup(settings, conf.get(TICK), conf.get(GPUS),
                new GenerationTrigger(conf.get(GENERATION_DRIFT), conf.get(GENERATION_ON_BALANCE_ALERT))));
    }
}
