package io.dsistream.models.asi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.nn.ParameterList;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * ASI++'s semantic indexing module (§2.1, appendix B.1): maps an encoder embedding {@code e} to the distribution
 * {@code p(id | e)} over L positions of V codes; the ID is the argmax per position. Assigning an ID to a new
 * document is one forward pass over its embedding, with no retraining.
 *
 * <p>Training use: open a sub-manager per step, create the batch's embeddings in it, call {@link #forward} inside
 * a {@code GradientCollector}, back-propagate the loss, then update every array of {@link #getParameters()} with
 * its gradient (a DJL {@code Optimizer.update(parameter.getId(), array, gradient)} or a hand-written AdamW) and
 * close the step's manager. Gradients accumulate across backward passes: {@link #zeroGradients()} clears them.
 * Not thread-safe while training; {@link #assign} may be called from one thread at a time.
 */
public interface SemanticQuantizer extends AutoCloseable {

    /** The shape and hyper-parameters this quantizer was built with. */
    QuantizerOptions options();

    /**
     * Code probabilities and the quantisation loss for a batch of embeddings.
     *
     * @param embeddings {@code (B, H)}, L2-normalised; every array created lives in its manager
     * @param training true while training: dropout for the MLP, Sinkhorn balancing over the batch for RQ/PQ;
     *     false for inference, where an item's ID must not depend on its batch-mates
     */
    QuantizerOutput forward(NDArray embeddings, boolean training);

    /** {@code p(id_i | e)}, {@code (B, L, V)}; see {@link #forward}. */
    default NDArray codeProbabilities(NDArray embeddings, boolean training) {
        return forward(embeddings, training).codeProbabilities();
    }

    /**
     * The ID of each embedding, {@code [B][L]} codes in {@code [0, V)}: the argmax per position in inference mode.
     * Deterministic and independent of the other rows; no gradient is kept.
     *
     * @param embeddings {@code [B][H]}
     */
    int[][] assign(float[][] embeddings);

    /**
     * {@code log p(c_i | e)} of each embedding in inference mode, {@code [B][L * V]} (position-major), for ID
     * assignments that look past the argmax ({@code io.dsistream.models.ids.CapacityBoundedAssignment}).
     *
     * @param embeddings {@code [B][H]}
     */
    float[][] logCodeProbabilities(float[][] embeddings);

    /** The trainable parameters, in a stable order, each with a name and an array that records gradients. */
    ParameterList getParameters();

    /** Sets the accumulated gradient of every parameter to zero. */
    default void zeroGradients() {
        for (Pair<String, Parameter> named : getParameters()) {
            NDArray array = named.getValue().getArray();
            if (array.hasGradient()) {
                try (NDArray gradient = array.getGradient()) {
                    gradient.subi(gradient);
                }
            }
        }
    }

    /** Number of trainable scalars. */
    default long parameterCount() {
        long count = 0;
        for (Pair<String, Parameter> named : getParameters()) {
            count += named.getValue().getArray().size();
        }
        return count;
    }

    /** Writes the options and every parameter; {@link #load} reads them back. The stream is not closed. */
    void save(OutputStream out) throws IOException;

    /** Writes this quantizer to {@code file}, replacing it. */
    default void save(Path file) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            save(out);
        }
    }

    /** Frees the parameters. */
    @Override
    void close();

    /**
     * A new quantizer of {@code options.kind()}: the MLP starts from seeded random weights; RQ and PQ codebooks
     * start from k-means over {@code documentEmbeddings} (RQ: over successive residuals). Its parameters live in a
     * sub-manager of {@code manager}.
     *
     * @param documentEmbeddings {@code [N][H]} with N ≥ V; not read by the MLP (may be null there)
     */
    static SemanticQuantizer create(NDManager manager, QuantizerOptions options, float[][] documentEmbeddings) {
        return switch (options.kind()) {
            case MLP -> MlpQuantizer.create(manager, options);
            case RESIDUAL -> ResidualQuantizer.fit(manager, options, documentEmbeddings);
            case PRODUCT -> ProductQuantizer.fit(manager, options, documentEmbeddings);
        };
    }

    /** Reads a quantizer {@link #save(OutputStream)} wrote; its parameters live in a sub-manager of {@code manager}. */
    static SemanticQuantizer load(NDManager manager, InputStream in) throws IOException {
        return QuantizerFile.read(manager, in, "stream");
    }

    /** Reads a quantizer {@link #save(Path)} wrote. */
    static SemanticQuantizer load(NDManager manager, Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return QuantizerFile.read(manager, in, file.toString());
        }
    }
}
