package io.dsistream.models.serving;

import ai.djl.ndarray.NDManager;
import io.dsistream.models.asi.SemanticQuantizer;
import io.dsistream.models.decoder.IdDecoder;
import io.dsistream.models.encoder.TextEncoder;
import io.dsistream.models.retrieval.QueryPlan;
import io.dsistream.models.retrieval.QueryPlanner;

import java.util.List;

/**
 * A bundle loaded for answering queries: the encoder, the quantizer, the decoder when the bundle has one, and the
 * {@link QueryPlanner} over them. Owns all of them; {@link #close()} releases the native memory. Not thread-safe.
 */
public final class RetrievalModel implements AutoCloseable {

    private final TextEncoder encoder;
    private final NDManager manager;
    private final SemanticQuantizer quantizer;
    private final IdDecoder decoder;
    private final QueryPlanner planner;
    private final String modelVersion;

    RetrievalModel(TextEncoder encoder, NDManager manager, SemanticQuantizer quantizer, IdDecoder decoder,
                   QueryPlanner planner, String modelVersion) {
        this.encoder = encoder;
        this.manager = manager;
        this.quantizer = quantizer;
        this.decoder = decoder;
        this.planner = planner;
        this.modelVersion = modelVersion;
    }

    public QueryPlanner planner() {
        return planner;
    }

    /** {@code <name>/v<N>} of the bundle. */
    public String modelVersion() {
        return modelVersion;
    }

    /** Whether the bundle carries an ID decoder (a trained ASI bundle) or only a quantizer (bootstrapped). */
    public boolean hasDecoder() {
        return decoder != null;
    }

    /** The quantizer's ID of each document embedding {@code (N, H)}, as AssignId gives it. */
    public int[][] assignIds(float[][] embeddings) {
        return quantizer.assign(embeddings);
    }

    /** {@link QueryPlanner#plan}. */
    public List<QueryPlan> plan(List<String> queryTexts) {
        return planner.plan(queryTexts);
    }

    @Override
    public void close() {
        quantizer.close();
        manager.close();
        encoder.close();
    }
}
