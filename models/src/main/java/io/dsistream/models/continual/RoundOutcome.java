package io.dsistream.models.continual;

import io.dsistream.models.ids.SemanticId;

import java.util.Map;

/**
 * What one trainer round came to ({@link ContinualTrainer#run}).
 *
 * @param baseVersion      the serving version the round started from
 * @param publishedVersion the version published, 0 when the round was not published (gate, cancel or no training)
 * @param decision         the publish gate's decision with both scores, null when the round was cancelled
 * @param newIds           IDs given to new documents that had none (stored IDs of the others are kept)
 * @param drift            share of the round's documents whose candidate quantizer ID differs from the stored ID
 * @param statistics       the round's figures: pairs, steps, losses, seconds, encoder seconds, gate scores
 */
public record RoundOutcome(int baseVersion, int publishedVersion, GateDecision decision,
                           Map<String, SemanticId> newIds, double drift, Map<String, Object> statistics) {

    public boolean published() {
        return publishedVersion > 0;
    }

    public boolean cancelled() {
        return decision == null;
    }

    public double seconds() {
        return statistics.get("seconds") instanceof Number n ? n.doubleValue() : 0.0;
    }
}
