package io.dsistream.models.decoder;

import io.dsistream.models.djl.NoGradScope;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import io.dsistream.models.ids.IdVocabulary;
import io.dsistream.models.ids.NextTokenScorer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The DSI / ASI++ ID decoder: a transformer decoder trained from scratch that generates a document ID token by
 * token while attending to the encoder's token states of the query, p(id_i | id_<i, q) (ASI++ §2.2, eq. 2).
 *
 * <p>Block inputs: {@code memory (B, S, H)} encoder states, {@code memoryMask (B, S)} (1 = real token, 0 = padding,
 * any numeric type) and {@code inputTokens (B, T)} ID tokens starting with BOS; output: {@code logits (B, T, V)}.
 * The layers are pre-LayerNorm (see {@link IdDecoderLayer} for why), with a final LayerNorm before the output
 * projection, which is tied to the token table by default.
 *
 * <p>Use {@link #create} for a fresh, seeded decoder or {@link #load} for a saved one; {@link #logits} for teacher
 * forcing, {@link #scorerFor} for beam search. The parameters live in the manager given at creation; every other
 * array is created in a scoped sub-manager and closed, except the returned logits. Training is single-threaded; a
 * scorer is not thread-safe (use one per query and thread). For serving, one PyTorch intra-op thread
 * ({@code ai.djl.pytorch.num_threads=1}) suits this small model: on two busy cores a two-thread scoring step took
 * 8x longer than a one-thread step.
 */
public final class IdDecoder extends AbstractBlock {

    private static final byte VERSION = 1;
    /** Added to the scores of forbidden attention positions; exp() of it underflows to exactly 0 in float32. */
    private static final float MASKED = -1e9f;
    /** BART's init_std: N(0, 0.02²) for every weight matrix and embedding table. */
    private static final double INIT_SIGMA = 0.02;

    private final DecoderOptions options;
    private final Linear memoryProjection;
    private final IdTokenEmbedding embedding;
    private final List<IdDecoderLayer> layers = new ArrayList<>();
    private final LayerNorm finalNorm;
    private final Linear outputProjection;
    private final Parameter outputBias;

    private IdDecoder(DecoderOptions options) {
        super(VERSION);
        this.options = options;
        int width = options.width();
        int vocabularySize = options.vocabulary().size();
        memoryProjection = options.memoryWidth() == width ? null
                : addChildBlock("memoryProjection", Linear.builder().setUnits(width).build());
        embedding = addChildBlock("embedding", new IdTokenEmbedding(vocabularySize, options.maxInputLength(), width));
        for (int i = 0; i < options.layers(); i++) {
            layers.add(addChildBlock("layer" + i,
                    new IdDecoderLayer(width, options.heads(), options.ffnWidth(), options.dropout())));
        }
        finalNorm = addChildBlock("finalNorm", LayerNorm.builder().axis(2).build());
        if (options.tiedOutput()) {
            outputProjection = null;
            // (V); the weight is the (V, D) token table
            outputBias = addParameter(Parameter.builder().setName("outputBias").setType(Parameter.Type.BIAS)
                    .optShape(new Shape(vocabularySize)).build());
        } else {
            outputProjection = addChildBlock("outputProjection", Linear.builder().setUnits(vocabularySize).build());
            outputBias = null;
        }
    }

    /**
     * A fresh decoder whose weights are drawn from N(0, 0.02²) by a {@link java.util.Random} seeded with
     * {@code seed} (biases 0, LayerNorm gains 1), so equal seeds give equal decoders on any machine.
     */
    public static IdDecoder create(DecoderOptions options, NDManager manager, long seed) {
        IdDecoder decoder = new IdDecoder(options);
        decoder.setInitializer(new SeededNormalInitializer(seed, INIT_SIGMA), Parameter.Type.WEIGHT);
        decoder.initialize(manager, DataType.FLOAT32, decoder.initializationShapes());
        return decoder;
    }

    /** Rebuilds a decoder of shape {@code options} and reads the parameters {@link #save(DataOutputStream)} wrote. */
    public static IdDecoder load(DecoderOptions options, NDManager manager, DataInputStream in)
            throws IOException, MalformedModelException {
        IdDecoder decoder = new IdDecoder(options);
        decoder.loadParameters(manager, in);
        decoder.requireLoadedShapes(manager);
        // Loaded arrays do not require gradients yet; fine-tuning a loaded decoder needs them.
        decoder.initialize(manager, DataType.FLOAT32, decoder.initializationShapes());
        return decoder;
    }

    /** Reads a parameter file written by {@link #save(Path)}. */
    public static IdDecoder load(DecoderOptions options, NDManager manager, Path parameterFile)
            throws IOException, MalformedModelException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(parameterFile)))) {
            IdDecoder decoder = load(options, manager, in);
            if (in.read() != -1) {
                throw new MalformedModelException("more parameters follow those of the decoder's "
                        + options.layers() + " layers");
            }
            return decoder;
        } catch (NoSuchFileException e) {
            throw e;
        } catch (MalformedModelException | IOException | RuntimeException e) {
            // a file of another layout fails wherever the reader loses step: name the file and the expected shape
            throw new MalformedModelException(parameterFile + " does not hold parameters of a decoder shaped "
                    + options.toJson() + ": " + e, e);
        }
    }

    /** Writes every parameter (DJL's block format); the options are stored separately as JSON. */
    public void save(DataOutputStream out) throws IOException {
        saveParameters(out);
    }

    /** Writes every parameter to {@code parameterFile}. */
    public void save(Path parameterFile) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(parameterFile)))) {
            save(out);
        }
    }

    public DecoderOptions options() {
        return options;
    }

    public IdVocabulary vocabulary() {
        return options.vocabulary();
    }

    /**
     * Teacher-forced logits {@code (B, T, V)} for decoder inputs {@code BOS + target[:-1]} (see
     * {@link TeacherForcing#decoderInputs}). Position t's logits depend only on input tokens 0..t (causal) and on
     * the unmasked memory positions. With {@code training} true, dropout is applied and, inside a
     * {@link ai.djl.training.GradientCollector}, gradients flow to every parameter. The result is attached to
     * {@code inputTokens}' manager; intermediate arrays are closed (autograd keeps what backward needs).
     *
     * @param memory       {@code (B, S, H)} encoder states, or {@code (1, S, H)} shared by every row
     * @param memoryMask   {@code (B, S)} or {@code (1, S)}; 1 = real token, 0 = padding
     * @param inputTokens  {@code (B, T)} ID tokens, T ≤ {@link DecoderOptions#maxInputLength()}
     */
    public NDArray logits(NDArray memory, NDArray memoryMask, NDArray inputTokens, boolean training) {
        requireInitialized();
        NDManager caller = inputTokens.getManager();
        try (NDManager scope = caller.newSubManager()) {
            memory.tempAttach(scope);
            memoryMask.tempAttach(scope);
            inputTokens.tempAttach(scope);
            NDArray logits = forward(new ParameterStore(scope, false), new NDList(memory, memoryMask, inputTokens),
                    training).singletonOrThrow();
            logits.attach(caller);
            return logits;
        }
    }

    /**
     * A {@link NextTokenScorer} bound to one query: each call scores P prefixes at once by running the decoder on
     * {@code BOS + prefix} (the whole prefix is recomputed each step; IDs are a handful of tokens) against the
     * query's memory, broadcast over the P rows, without autograd. The scorer borrows {@code memory} and
     * {@code mask}: keep them open while it is used. Not thread-safe.
     *
     * @param memoryOfOneQuery {@code (S, H)} or {@code (1, S, H)}
     * @param mask             {@code (S)} or {@code (1, S)}; 1 = real token, 0 = padding
     */
    public NextTokenScorer scorerFor(NDArray memoryOfOneQuery, NDArray mask) {
        requireInitialized();
        Shape memory = memoryOfOneQuery.getShape();
        Shape maskShape = mask.getShape();
        boolean oneQuery = (memory.dimension() == 2 || memory.dimension() == 3 && memory.get(0) == 1)
                && (maskShape.dimension() == 1 || maskShape.dimension() == 2 && maskShape.get(0) == 1);
        if (!oneQuery) {
            throw new IllegalArgumentException("scorerFor takes the memory of one query, got memory " + memory
                    + " and mask " + maskShape + "; use nextTokenLogProbs(memory, mask, queryOfPrefix, prefixes)"
                    + " for many queries");
        }
        return prefixes -> scorePrefixes(memoryOfOneQuery, mask, null, prefixes);
    }

    /**
     * Next-token log-probabilities for prefixes of many queries in one forward pass: prefix i belongs to query
     * {@code queryOfPrefix[i]}, a row of {@code memory (Q, S, H)} / {@code memoryMask (Q, S)}. Returns
     * {@code (P, V)} log-softmax rows in prefix order; runs without autograd.
     */
    public float[][] nextTokenLogProbs(NDArray memory, NDArray memoryMask, int[] queryOfPrefix, List<int[]> prefixes) {
        requireInitialized();
        if (queryOfPrefix.length != prefixes.size()) {
            throw new IllegalArgumentException("queryOfPrefix has " + queryOfPrefix.length + " entries for "
                    + prefixes.size() + " prefixes");
        }
        long queries = memory.getShape().get(0);
        for (int i = 0; i < queryOfPrefix.length; i++) {
            if (queryOfPrefix[i] < 0 || queryOfPrefix[i] >= queries) {
                throw new IllegalArgumentException("queryOfPrefix[" + i + "] = " + queryOfPrefix[i]
                        + " is not a row of a memory of " + queries + " queries");
            }
        }
        return scorePrefixes(memory, memoryMask, queryOfPrefix, prefixes);
    }

    private float[][] scorePrefixes(NDArray memory, NDArray memoryMask, int[] queryOfPrefix, List<int[]> prefixes) {
        if (prefixes.isEmpty()) {
            return new float[0][];
        }
        NDManager owner = memory.getManager();
        try (NDManager scope = owner.newSubManager()) {
            NDArray logProbs = nextTokenLogProbArray(scope, memory, memoryMask, queryOfPrefix, prefixes); // (P, V)
            int vocabularySize = options.vocabulary().size();
            float[] flat = logProbs.toFloatArray();
            float[][] rows = new float[prefixes.size()][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = Arrays.copyOfRange(flat, i * vocabularySize, (i + 1) * vocabularySize);
            }
            return rows;
        }
    }

    /**
     * {@code (P, V)} log-probabilities of the token after each prefix, attached to {@code resultManager}; every
     * other array of the pass lives in a scope closed before returning, and autograd is off throughout.
     * {@code queryOfPrefix == null} means the memory has one row shared by all prefixes.
     */
    NDArray nextTokenLogProbArray(NDManager resultManager, NDArray memory, NDArray memoryMask, int[] queryOfPrefix,
                                  List<int[]> prefixes) {
        int count = prefixes.size();
        int length = 1 + validatedLongestPrefix(prefixes); // T: BOS + the longest prefix
        long[] tokens = new long[count * length]; // PAD-filled; causal masking keeps PAD after a prefix harmless
        long[] lastPosition = new long[count];
        for (int i = 0; i < count; i++) {
            int[] prefix = prefixes.get(i);
            tokens[i * length] = IdVocabulary.BOS;
            for (int t = 0; t < prefix.length; t++) {
                tokens[i * length + 1 + t] = prefix[t];
            }
            lastPosition[i] = prefix.length;
        }
        try (NoGradScope noGrad = NoGradScope.enter(resultManager); NDManager scope = resultManager.newSubManager()) {
            memory.tempAttach(scope);
            memoryMask.tempAttach(scope);
            // One query's memory: (S, H) / (S) become (1, S, H) / (1, S) and broadcast over the P prefixes.
            NDArray rowsMemory = memory.getShape().dimension() == 2 ? memory.expandDims(0) : memory;
            NDArray rowsMask = memoryMask.getShape().dimension() == 1 ? memoryMask.expandDims(0) : memoryMask;
            if (queryOfPrefix != null) {
                NDArray rows = scope.create(Arrays.stream(queryOfPrefix).asLongStream().toArray()); // (P)
                rowsMemory = memory.get(new NDIndex("{}", rows)); // (P, S, H)
                rowsMask = memoryMask.get(new NDIndex("{}", rows)); // (P, S)
            }
            NDArray input = scope.create(tokens, new Shape(count, length)); // (P, T)
            NDArray logits = forward(new ParameterStore(scope, false), new NDList(rowsMemory, rowsMask, input), false)
                    .singletonOrThrow(); // (P, T, V)
            // Select position lastPosition[i] of row i: a one-hot over T, exact (x * 1 + 0s).
            NDArray pick = scope.create(lastPosition).oneHot(length).expandDims(2); // (P, T, 1)
            NDArray logProbs = logits.mul(pick).sum(new int[] {1}).logSoftmax(-1); // (P, V)
            logProbs.attach(resultManager);
            return logProbs;
        }
    }

    private int validatedLongestPrefix(List<int[]> prefixes) {
        int vocabularySize = options.vocabulary().size();
        int longest = 0;
        for (int i = 0; i < prefixes.size(); i++) {
            int[] prefix = prefixes.get(i);
            if (prefix.length > options.vocabulary().maxLength()) {
                throw new IllegalArgumentException("prefix " + i + " " + Arrays.toString(prefix) + " is longer than"
                        + " the " + options.vocabulary().maxLength() + " positions of an ID");
            }
            for (int token : prefix) {
                if (token < 0 || token >= vocabularySize) {
                    throw new IllegalArgumentException("prefix " + i + " " + Arrays.toString(prefix)
                            + " holds token " + token + " outside the vocabulary of " + vocabularySize);
                }
            }
            longest = Math.max(longest, prefix.length);
        }
        return longest;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray memory = inputs.get(0); // (Bm, S, H), Bm = B or 1
        NDArray memoryMask = inputs.get(1); // (Bm, S)
        NDArray tokens = inputs.get(2); // (B, T)
        requireShapes(memory.getShape(), memoryMask.getShape(), tokens.getShape());

        NDArray states = memoryProjection == null ? memory
                : memoryProjection.forward(parameterStore, new NDList(memory), training).singletonOrThrow(); // (Bm, S, D)
        NDArray additiveMemoryMask = memoryMask.toType(DataType.FLOAT32, false).sub(1f).mul(-MASKED) // 0 or MASKED
                .expandDims(1).expandDims(1); // (Bm, 1, 1, S)
        NDArray causalMask = causalMask(tokens); // (1, 1, T, T)

        NDArray x = embedding.forward(parameterStore, new NDList(tokens), training).singletonOrThrow(); // (B, T, D)
        if (training && options.dropout() > 0f) {
            x = Dropout.dropout(x, options.dropout(), true).singletonOrThrow();
        }
        for (IdDecoderLayer layer : layers) {
            x = layer.forward(parameterStore, new NDList(x, states, causalMask, additiveMemoryMask), training)
                    .singletonOrThrow(); // (B, T, D)
        }
        x = finalNorm.forward(parameterStore, new NDList(x), training).singletonOrThrow(); // (B, T, D)
        if (outputProjection != null) {
            return outputProjection.forward(parameterStore, new NDList(x), training); // (B, T, V)
        }
        NDArray table = parameterStore.getValue(embedding.tokenTable(), x.getDevice(), training); // (V, D)
        NDArray bias = parameterStore.getValue(outputBias, x.getDevice(), training); // (V)
        return Linear.linear(x, table, bias); // (B, T, V) = x · tableᵀ + bias
    }

    /** {@code (1, 1, T, T)}: 0 on and below the diagonal, MASKED above it (position t sees inputs 0..t only). */
    private static NDArray causalMask(NDArray tokens) {
        int length = Math.toIntExact(tokens.getShape().get(1));
        NDManager manager = tokens.getManager();
        NDArray rows = manager.arange(0, length, 1, DataType.INT32).reshape(length, 1); // (T, 1)
        NDArray columns = manager.arange(0, length, 1, DataType.INT32).reshape(1, length); // (1, T)
        return columns.gt(rows).toType(DataType.FLOAT32, false).mul(MASKED).reshape(1, 1, length, length);
    }

    private void requireShapes(Shape memory, Shape memoryMask, Shape tokens) {
        if (memory.dimension() != 3 || memory.get(2) != options.memoryWidth()) {
            throw new IllegalArgumentException("memory must be (B, S, " + options.memoryWidth() + "), got " + memory);
        }
        if (memoryMask.dimension() != 2 || memoryMask.get(0) != memory.get(0) || memoryMask.get(1) != memory.get(1)) {
            throw new IllegalArgumentException("memoryMask must be (B, S) = (" + memory.get(0) + ", " + memory.get(1)
                    + ") like the memory, got " + memoryMask);
        }
        if (tokens.dimension() != 2 || tokens.get(1) < 1 || tokens.get(1) > options.maxInputLength()) {
            throw new IllegalArgumentException("inputTokens must be (B, T) with 1 <= T <= "
                    + options.maxInputLength() + ", got " + tokens);
        }
        if (memory.get(0) != tokens.get(0) && memory.get(0) != 1) {
            throw new IllegalArgumentException("memory batch " + memory.get(0) + " is neither the token batch "
                    + tokens.get(0) + " nor 1");
        }
    }

    /**
     * DJL's loader checks parameter names only, so a file of a decoder with another width or FFN size would load
     * silently: compare every shape with a zero-filled decoder built from the options.
     */
    private void requireLoadedShapes(NDManager manager) throws MalformedModelException {
        try (NDManager scratch = manager.newSubManager()) {
            IdDecoder expected = new IdDecoder(options);
            expected.setInitializer(Initializer.ZEROS, parameter -> true);
            expected.initialize(scratch, DataType.FLOAT32, initializationShapes());
            List<Parameter> loaded = getParameters().values();
            List<Parameter> wanted = expected.getParameters().values();
            for (int i = 0; i < wanted.size(); i++) {
                Shape actual = loaded.get(i).getShape();
                if (!wanted.get(i).getShape().equals(actual)) {
                    throw new MalformedModelException("parameter " + getParameters().get(i).getKey() + " has shape "
                            + actual + ", options " + options.toJson() + " want " + wanted.get(i).getShape());
                }
            }
        }
    }

    private void requireInitialized() {
        if (!isInitialized()) {
            throw new IllegalStateException("the decoder has no parameters yet; build it with IdDecoder.create or load");
        }
    }

    /** Shapes that fix every parameter: only the widths matter, batch and lengths are 1. */
    private Shape[] initializationShapes() {
        return new Shape[] {new Shape(1, 1, options.memoryWidth()), new Shape(1, 1), new Shape(1, 1)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape memory = inputShapes[0]; // (B, S, H)
        Shape tokens = inputShapes[2]; // (B, T)
        Shape states = new Shape(memory.get(0), memory.get(1), options.width()); // (B, S, D)
        Shape x = new Shape(tokens.get(0), tokens.get(1), options.width()); // (B, T, D)
        if (memoryProjection != null) {
            memoryProjection.initialize(manager, dataType, memory);
        }
        embedding.initialize(manager, dataType, tokens);
        for (IdDecoderLayer layer : layers) {
            layer.initialize(manager, dataType, x, states);
        }
        finalNorm.initialize(manager, dataType, x);
        if (outputProjection != null) {
            outputProjection.initialize(manager, dataType, x);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape tokens = inputShapes[2];
        return new Shape[] {new Shape(tokens.get(0), tokens.get(1), options.vocabulary().size())};
    }
}
