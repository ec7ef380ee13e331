package io.dsistream.operators.training;

/** Names of the trainer's metrics, as the Web UI and the Prometheus reporter show them. */
public final class TrainerMetrics {

    public static final String FEEDBACK_IN = "feedbackIn";
    public static final String FEEDBACK_NOT_RELEVANT = "feedbackNotRelevant";
    public static final String ROUNDS_STARTED = "roundsStarted";
    public static final String ROUNDS_PUBLISHED = "roundsPublished";
    public static final String ROUNDS_REJECTED = "roundsRejected";
    public static final String ROUNDS_FAILED = "roundsFailed";
    public static final String ROUND_RUNNING = "roundRunning";
    public static final String LAST_ROUND_SECONDS = "lastRoundSeconds";
    public static final String LAST_ROUND_ENCODER_SHARE = "lastRoundEncoderShare";
    public static final String GATE_CURRENT = "gateCurrentScore";
    public static final String GATE_CANDIDATE = "gateCandidateScore";
    public static final String ID_DRIFT = "idDrift";
    public static final String SERVING_VERSION = "trainerServingVersion";
    public static final String REPLAY_DOCUMENTS = "replayDocuments";
    public static final String PENDING_DOCUMENTS = "pendingDocuments";
    public static final String FEEDBACK_PAIRS = "feedbackPairs";
    public static final String TRAINING_DEVICE = "trainingDevice";
    /** Counter: published versions announced as a build of a new index generation. */
    public static final String GENERATIONS_REQUESTED = "generationsRequested";
    /** Counter: finished rounds that trained on IDs an index generation switch has since replaced. */
    public static final String ROUNDS_STALE = "roundsStale";
    /** Gauge: the index generation whose IDs the trainer's documents carry (the decoder's targets). */
    public static final String ID_GENERATION = "trainerIdGeneration";

    private TrainerMetrics() {
    }
}
