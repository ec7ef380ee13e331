package io.dsistream.models.continual;

import io.dsistream.models.ids.SemanticId;
import io.dsistream.models.retrieval.IdModel;

import java.util.Map;

/**
 * What a continual round produced.
 *
 * @param candidate      the fine-tuned model (copies of the quantizer and decoder; the current model is untouched)
 *                       with every stored ID kept and the new documents' IDs added; null when cancelled. The
 *                       caller closes it (or publishes, then closes it).
 * @param cancelled      true when {@link ContinualRound#cancel()} stopped the round before its end
 * @param newIds         the IDs given to new documents that had none (from the quantizer at the round's start)
 * @param statistics     pairs per source, steps, losses, seconds, the encoder's seconds and share, drift
 */
public record RoundResult(IdModel candidate, boolean cancelled, Map<String, SemanticId> newIds,
                          Map<String, Object> statistics) {

    /** Wall seconds of the round. */
    public double seconds() {
        return ((Number) statistics.getOrDefault("seconds", 0.0)).doubleValue();
    }

    /** Seconds spent in the encoder's forward passes (query-side texts). */
    public double encoderSeconds() {
        return ((Number) statistics.getOrDefault("encoder_seconds", 0.0)).doubleValue();
    }
}
