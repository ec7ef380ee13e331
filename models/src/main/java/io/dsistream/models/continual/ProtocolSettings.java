package io.dsistream.models.continual;

import io.dsistream.models.adapters.AdapterOptions;
import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.retrieval.RetrievalOptions;
import io.dsistream.models.training.DecoderShape;
import io.dsistream.models.training.TrainingOptions;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything the offline DSI++ protocol ({@link DsiPlusPlusProtocol}) is configured by.
 *
 * @param encoder           the base encoder (query side; document vectors come from the caller, made with it)
 * @param initialShare      share of the corpus in the initial part (DSI++: 0.6)
 * @param increments        number of increments after it (DSI++: 4 of 0.1 each, the rest split evenly)
 * @param maxDocuments      0 for the whole corpus; else a seeded subset of this size (documents judged relevant to
 *                          some query first), for reduced runs on a small machine
 * @param seed              seeds the split, the subset and every model
 * @param initialTraining   how the initial model (and the whole-corpus reference) are trained (method asi)
 * @param decoderShape      the ID decoder's size, or null for {@code DecoderOptions.defaults}
 * @param round             the continual rounds' options (the strategy is set per run)
 * @param adapter           the encoder adapter rounds train (LoRA by default), or null for a frozen encoder
 * @param strategies        which strategies to run
 * @param replayReservoir   reservoir size of the replay buffer
 * @param replayWindow      recent-window size of the replay buffer
 * @param reference         whether to train the whole-corpus reference model
 * @param retrieval         how test queries are answered (beam, weights, candidate budget)
 * @param cacheDirectory    where token states of training texts are cached, or null for no cache
 */
public record ProtocolSettings(EncoderSpec encoder, double initialShare, int increments, int maxDocuments, long seed,
                               TrainingOptions initialTraining, DecoderShape decoderShape, ContinualOptions round,
                               AdapterOptions adapter, List<ContinualStrategy> strategies, int replayReservoir,
                               int replayWindow, boolean reference, RetrievalOptions retrieval, Path cacheDirectory) {

    public ProtocolSettings {
        if (!(initialShare > 0 && initialShare < 1)) {
            throw new IllegalArgumentException("protocol setting 'initialShare' must be in (0, 1), got " + initialShare);
        }
        if (increments < 1) {
            throw new IllegalArgumentException("protocol setting 'increments' must be at least 1, got " + increments);
        }
        if (maxDocuments < 0) {
            throw new IllegalArgumentException("protocol setting 'maxDocuments' must be at least 0, got "
                    + maxDocuments);
        }
        if (strategies == null || strategies.isEmpty()) {
            throw new IllegalArgumentException("protocol setting 'strategies' names no strategy");
        }
        if (!TrainingOptions.ASI.equals(initialTraining.method())) {
            throw new IllegalArgumentException("protocol setting 'initialTraining' must train method asi, got "
                    + initialTraining.method());
        }
        strategies = List.copyOf(strategies);
    }
}
