package io.dsistream.models.encoder;

import io.dsistream.models.djl.NoGradScope;
import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * A pretrained sentence encoder (MiniLM-L6 or bge-small) running as a {@link BertEncoderBlock} on DJL's PyTorch
 * engine, with its weights read from the verified ONNX file in its Maven artifact.
 *
 * <pre>{@code
 * DjlOffline.configure();                       // before any DJL class loads
 * try (TextEncoder encoder = TextEncoder.load(EncoderSpec.MINILM, EncoderOptions.defaults())) {
 *     float[][] vectors = encoder.embed(List.of("a claim", "an abstract"));   // (B, 384), unit length
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> {@link #embed} and {@link #encodeTokens} may be called from several threads at once: each call
 * works in its own scoped {@link NDManager} and {@link ParameterStore} and only reads the shared parameters.
 * On a CPU they gain nothing from it, since PyTorch already spreads each matrix product over the cores; one
 * batching caller per encoder is the intended use. {@link #close} must not race with calls, and no call may run
 * while an adapter is being attached with {@link BertModule#replace}.
 *
 * <p><b>Speed.</b> PyTorch runs each operator on {@code ai.djl.pytorch.num_threads} threads (default: the cores).
 * Where the encoder shares its cores with other busy threads, start the JVM with
 * {@code OMP_WAIT_POLICY=PASSIVE} in its environment (libgomp's workers then sleep instead of spinning), or set
 * {@code -Dai.djl.pytorch.num_threads=1}: on the shared 2-core development machine, batch 8, spinning workers
 * cost 110-190 CPU-ms per SciFact document against 70-80 with either setting.
 */
public final class TextEncoder implements SentenceEmbedder, AutoCloseable {

    private final EncoderSpec spec;
    private final EncoderOptions options;
    private final NDManager manager;
    private final BertEncoderBlock block;
    private final EncoderTokenizer tokenizer;

    private TextEncoder(EncoderSpec spec, EncoderOptions options, NDManager manager, BertEncoderBlock block,
                        EncoderTokenizer tokenizer) {
        this.spec = spec;
        this.options = options;
        this.manager = manager;
        this.block = block;
        this.tokenizer = tokenizer;
    }

    /** {@link #load(EncoderSpec, EncoderOptions)} with {@link EncoderOptions#defaults()}. */
    public static TextEncoder load(EncoderSpec spec) {
        return load(spec, EncoderOptions.defaults());
    }

    /**
     * Verifies the spec's model files against their pinned SHA-256, builds the encoder on the requested device
     * (the engine's default when none: a GPU when one is present) and loads the pretrained weights.
     *
     * @throws ModelArtifactException if a model file is missing from the classpath or altered
     */
    public static TextEncoder load(EncoderSpec spec, EncoderOptions options) {
        DjlOffline.configure();
        EncoderTokenizer tokenizer = EncoderTokenizer.load(spec.tokenizer().materialize(options.cacheDirectory()),
                options.maxLength());
        OnnxWeights weights = OnnxWeights.read(spec.onnx());
        Engine engine = Engine.getEngine("PyTorch");
        Device device = options.device().orElse(engine.defaultDevice());
        NDManager manager = engine.newBaseManager(device);
        try {
            BertEncoderBlock block = new BertEncoderBlock(spec.config());
            try (NoGradScope ignored = NoGradScope.enter(manager)) {
                block.loadPretrained(manager, weights);
            }
            return new TextEncoder(spec, options, manager, block, tokenizer);
        } catch (RuntimeException e) {
            manager.close();
            tokenizer.close();
            throw e;
        }
    }

    @Override
    public int dimension() {
        return spec.config().hiddenSize();
    }

    /** Query vectors: the spec's {@link EncoderSpec#queryInstruction() query instruction}, then the query. */
    @Override
    public float[][] embedQueries(List<String> queries) {
        String instruction = spec.queryInstruction();
        return embed(instruction.isEmpty() ? queries : queries.stream().map(q -> instruction + q).toList());
    }

    /**
     * L2-normalised sentence vectors {@code (B, H)} in input order, pooled as the spec says (mean for MiniLM,
     * [CLS] for bge). Texts are sorted by token length and run {@link EncoderOptions#batchSize()} at a time, so
     * each forward pass pads to a similar length; texts longer than {@link EncoderOptions#maxLength()} tokens
     * are truncated.
     */
    @Override
    public float[][] embed(List<String> texts) {
        return embedBetweenLayers(texts, null);
    }

    /**
     * {@link #embed(List)}, calling {@code boundary} between every two encoder layers of every pass.
     *
     * @throws InterruptedException when the boundary throws it; the pass is abandoned
     */
    public float[][] embed(List<String> texts, LayerBoundary boundary) throws InterruptedException {
        Objects.requireNonNull(boundary, "boundary");
        try {
            return embedBetweenLayers(texts, boundary);
        } catch (BertEncoderBlock.PassInterrupted e) {
            throw e.getCause();
        }
    }

    private float[][] embedBetweenLayers(List<String> texts, LayerBoundary boundary) {
        Objects.requireNonNull(texts, "texts");
        List<long[]> ids = tokenizer.encodeAll(texts);
        // Longest first: the largest batch comes first, so memory peaks at once and not after minutes.
        int[] order = IntStream.range(0, ids.size()).boxed()
                .sorted(Comparator.comparingInt((Integer i) -> ids.get(i).length).reversed())
                .mapToInt(Integer::intValue).toArray();
        int width = dimension();
        float[][] vectors = new float[texts.size()][];
        for (int start = 0; start < order.length; start += options.batchSize()) {
            int[] members = Arrays.copyOfRange(order, start, Math.min(order.length, start + options.batchSize()));
            List<long[]> sequences = new ArrayList<>(members.length);
            for (int member : members) {
                sequences.add(ids.get(member));
            }
            TokenBatch batch = TokenBatch.pad(sequences, tokenizer.padTokenId());
            try (NDManager scope = manager.newSubManager(); NoGradScope ignored = NoGradScope.enter(manager)) {
                NDList inputs = batch.toNDList(scope);
                NDArray hidden = forward(scope, inputs, boundary);                         // (B, T, H)
                NDArray pooled = Pooling.l2Normalize(spec.pooling().pool(hidden, inputs.get(1))); // (B, H)
                float[] flat = pooled.toFloatArray();
                for (int row = 0; row < members.length; row++) {
                    vectors[members[row]] = Arrays.copyOfRange(flat, row * width, (row + 1) * width);
                }
            }
        }
        return vectors;
    }

    /**
     * Token-level last hidden states for {@code texts} in one forward pass (the caller chooses the batch), in
     * input order, padded to the longest text. The returned arrays belong to {@code owner} (moved to its device
     * when it differs from {@link #device()}); everything else the pass creates is closed before returning.
     */
    public TokenStates encodeTokens(List<String> texts, NDManager owner) {
        Objects.requireNonNull(owner, "owner");
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("encodeTokens needs at least one text");
        }
        TokenBatch batch = tokenizer.batch(texts);
        try (NDManager scope = manager.newSubManager(); NoGradScope ignored = NoGradScope.enter(manager)) {
            NDList inputs = batch.toNDList(scope);
            NDArray hidden = forward(scope, inputs, null); // (B, T, H)
            return new TokenStates(handOver(hidden, owner), handOver(inputs.get(1), owner),
                    handOver(inputs.get(0), owner));
        }
    }

    private NDArray forward(NDManager scope, NDList inputs, LayerBoundary boundary) {
        PairList<String, Object> params = null;
        if (boundary != null) {
            params = new PairList<>();
            params.add(BertEncoderBlock.LAYER_BOUNDARY, boundary);
        }
        return block.forward(new ParameterStore(scope, false), inputs, false, params).head();
    }

    private static NDArray handOver(NDArray array, NDManager owner) {
        NDArray onDevice = array.getDevice().equals(owner.getDevice()) ? array : array.toDevice(owner.getDevice(), true);
        onDevice.attach(owner);
        return onDevice;
    }

    /** The tokenizer (encode to ids, [MASK]/[PAD]/[CLS]/[SEP] ids, vocabulary). */
    public EncoderTokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * The encoder's blocks, for fine-tuning: forward with a {@link ParameterStore} inside a gradient collector,
     * attach adapters with {@link BertModule#replace}. Its parameters live in {@link #manager()}.
     */
    public BertEncoderBlock block() {
        return block;
    }

    /** The manager that owns the parameters; adapters create theirs under it. */
    public NDManager manager() {
        return manager;
    }

    public Device device() {
        return manager.getDevice();
    }

    public EncoderSpec spec() {
        return spec;
    }

    public EncoderOptions options() {
        return options;
    }

    /** Frees the parameters and the native tokenizer. */
    @Override
    public void close() {
        manager.close();
        tokenizer.close();
    }
}
