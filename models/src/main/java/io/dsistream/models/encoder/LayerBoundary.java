package io.dsistream.models.encoder;

/**
 * Called on the encoding thread between two encoder layers of a pass ({@link TextEncoder#embed(java.util.List,
 * LayerBoundary)}): a place where a long document pass can step aside, e.g. for a waiting query
 * ({@code ComputeGate.Pass#yieldToQueries}), so that a query waits for one layer and not for the whole pass.
 */
@FunctionalInterface
public interface LayerBoundary {

    /**
     * @param layer the layer just finished, from 0; not called after the last one
     * @throws InterruptedException to abandon the pass; {@link TextEncoder#embed(java.util.List, LayerBoundary)}
     *                              then throws it
     */
    void reached(int layer) throws InterruptedException;
}
