package io.dsistream.models.continual;

import io.dsistream.models.retrieval.StreamingRetrievalOptions;

import java.io.Serializable;
import java.util.Locale;

/**
 * How the streaming job's trainer works (issue 7): where it publishes, what a round trains, when rounds start and
 * when a round's model is published. Immutable and serialisable (it travels inside the Flink operator).
 *
 * @param registry             the model registry directory the job serves from, where rounds publish
 * @param modelName            the model's name in the registry
 * @param round                what a round trains ({@link ContinualRound})
 * @param adapter              the encoder adapter a round trains when the serving bundle has none yet: {@code lora},
 *                             {@code qlora}, {@code adalora}, {@code convlora}, or {@code none} for a frozen encoder
 * @param replayReservoir      documents in the replay buffer's uniform sample
 * @param replayWindow         most recent documents the replay buffer keeps besides
 * @param maxRoundDocuments    most new documents one round trains on (the most recent are kept)
 * @param maxFeedback          most feedback pairs kept between rounds (the oldest are dropped)
 * @param warmUpDocuments      the first this many documents only fill the replay buffer: they are what the serving
 *                             model was trained on (an initial load), not new documents, and start no round
 * @param everyDocuments       start a round after this many new documents (0: never on count)
 * @param everyMillis          start a round this long after the last one began, if anything arrived (0: never on time)
 * @param onBalanceAlert       start a round when the balance monitor raises an alert
 * @param gateMetric           {@link PublishGate#RECALL_AT_10} or {@link PublishGate#NDCG_AT_10}
 * @param gateMargin           the largest drop of the gate metric still published
 * @param heldBackEvery        one query text in this many (by hash) is held back from training for the gate
 * @param minGateQueries       when fewer held-back feedback queries exist, pseudo-queries of documents fill up to this
 * @param retrieval            how the gate retrieves (the job's query-path options)
 * @param keyPrefixLength      the trie key length the job uses (the gate's back-off stops there)
 */
public record TrainerSettings(String registry, String modelName, ContinualOptions round, String adapter,
                              int replayReservoir, int replayWindow, int maxRoundDocuments, int maxFeedback,
                              long warmUpDocuments, long everyDocuments, long everyMillis, boolean onBalanceAlert, String gateMetric,
                              double gateMargin, int heldBackEvery, int minGateQueries,
                              StreamingRetrievalOptions retrieval, int keyPrefixLength) implements Serializable {

    private static final long serialVersionUID = 1L;

    public TrainerSettings {
        require("registry", registry != null && !registry.isBlank(), registry);
        require("modelName", modelName != null && !modelName.isBlank(), modelName);
        require("round", round != null, round);
        require("adapter", adapter != null && !adapter.isBlank(), adapter);
        require("replayReservoir", replayReservoir >= 0, replayReservoir);
        require("replayWindow", replayWindow >= 0, replayWindow);
        require("maxRoundDocuments", maxRoundDocuments >= 1, maxRoundDocuments);
        require("maxFeedback", maxFeedback >= 0, maxFeedback);
        require("warmUpDocuments", warmUpDocuments >= 0, warmUpDocuments);
        require("everyDocuments", everyDocuments >= 0, everyDocuments);
        require("everyMillis", everyMillis >= 0, everyMillis);
        require("gateMargin", gateMargin >= 0, gateMargin);
        require("heldBackEvery", heldBackEvery >= 2, heldBackEvery);
        require("minGateQueries", minGateQueries >= 0, minGateQueries);
        require("retrieval", retrieval != null, retrieval);
        require("keyPrefixLength", keyPrefixLength >= 0, keyPrefixLength);
        new PublishGate(gateMetric, gateMargin); // validates the metric's name
    }

    /** Whether a round trains an encoder adapter ({@link #adapter} is not {@code none}). */
    public boolean trainsAdapter() {
        return !"none".equals(adapter.toLowerCase(Locale.ROOT));
    }

    private static void require(String field, boolean ok, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("trainer setting '" + field + "' is out of range: " + value);
        }
    }
}
