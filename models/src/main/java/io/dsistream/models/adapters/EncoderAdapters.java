package io.dsistream.models.adapters;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import io.dsistream.models.encoder.BertEncoderBlock;
import io.dsistream.models.encoder.TextEncoder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The adapters of one kind attached to an encoder: every layer's target projections wrapped (the rest of the
 * encoder frozen), and, for QLoRA, every other Linear of the layers and the word and position embedding tables
 * held as NF4 too ({@link #QUANTIZED_EMBEDDINGS}). Knows what a trainer needs
 * (trainable parameters, the AdaLoRA regulariser and rank budget), what serving needs (merge, unmerge) and what a
 * model bundle needs (save and load the adapter alone, {@link AdapterFile}).
 *
 * <pre>{@code
 * EncoderAdapters lora = EncoderAdapters.attach(encoder, AdapterOptions.builder(AdapterKind.LORA).build());
 * // train lora.trainableParameters() ... then for serving:
 * lora.merge();
 * lora.save(Path.of("adapter.bin"));
 * }</pre>
 */
public final class EncoderAdapters {

    /** The Linear projections of a layer QLoRA quantises besides the adapted ones. */
    static final List<String> LAYER_LINEARS = List.of("attention.self.query", "attention.self.key",
            "attention.self.value", "attention.output.dense", "intermediate.dense", "output.dense");

    /**
     * The embedding tables QLoRA holds as NF4 ({@link Nf4EmbeddingTable}): the word table is over half of MiniLM's
     * weights, the position table 0.9%; the token-type table (2 rows) and the LayerNorms stay FP32.
     */
    public static final List<String> QUANTIZED_EMBEDDINGS = List.of("embeddings.word_embeddings",
            "embeddings.position_embeddings");

    private final AdapterOptions options;
    private final String baseEncoder;
    private final Map<String, AdaptedLinear> adapters;        // adapted projections, by HF path
    private final Map<String, QLoraLinear> quantizedOnly;     // QLoRA: NF4 projections without adapter
    private final Map<String, Nf4EmbeddingTable> quantizedEmbeddings; // QLoRA: NF4 embedding tables, by HF path
    private final List<Parameter> baseParameters;             // every base parameter as loaded, FP32 or closed
    private final long baseParameterCount;
    private final long baseFp32Bytes;
    private final AdaLoraBudget budget;

    private EncoderAdapters(AdapterOptions options, String baseEncoder, Map<String, AdaptedLinear> adapters,
                            Map<String, QLoraLinear> quantizedOnly, Map<String, Nf4EmbeddingTable> quantizedEmbeddings,
                            List<Parameter> baseParameters, long baseParameterCount) {
        this.options = options;
        this.baseEncoder = baseEncoder;
        this.adapters = Collections.unmodifiableMap(adapters);
        this.quantizedOnly = Collections.unmodifiableMap(quantizedOnly);
        this.quantizedEmbeddings = Collections.unmodifiableMap(quantizedEmbeddings);
        this.baseParameters = List.copyOf(baseParameters);
        this.baseParameterCount = baseParameterCount;
        this.baseFp32Bytes = 4L * baseParameterCount;
        List<AdaLoraLinear> ada = new ArrayList<>();
        for (AdaptedLinear adapter : adapters.values()) {
            if (adapter instanceof AdaLoraLinear a) {
                ada.add(a);
            }
        }
        this.budget = ada.isEmpty() ? null : new AdaLoraBudget(ada, options);
    }

    /** Attaches adapters to a loaded encoder; the adapter file will name {@code encoder.spec().cliName()}. */
    public static EncoderAdapters attach(TextEncoder encoder, AdapterOptions options) {
        return attach(encoder.block(), encoder.manager(), options, encoder.spec().cliName());
    }

    /**
     * Freezes every parameter of {@code block}, then wraps each layer's {@link AdapterOptions#targets()} with an
     * adapter of the options' kind (parameters created in {@code manager}).
     *
     * @throws IllegalArgumentException naming a target that is not a Linear of the layer
     */
    public static EncoderAdapters attach(BertEncoderBlock block, NDManager manager, AdapterOptions options,
                                         String baseEncoder) {
        long baseCount = 0;
        List<Parameter> baseParameters = new ArrayList<>(block.hfParameters("").values());
        for (Parameter parameter : baseParameters) {
            baseCount += parameter.getArray().size();
            parameter.getArray().setRequiresGradient(false); // the base is frozen
        }
        Map<String, AdaptedLinear> adapters = new LinkedHashMap<>();
        Map<String, QLoraLinear> quantizedOnly = new LinkedHashMap<>();
        int index = 0;
        for (int layer = 0; layer < block.config().layers(); layer++) {
            String prefix = BertEncoderBlock.layerPath(layer) + ".";
            for (String target : options.targets()) {
                long seed = options.seed() * 1_000_003L + index++;
                String path = prefix + target;
                AdaptedLinear adapter = (AdaptedLinear) block.replace(path, base -> create(base, options, manager, seed));
                adapters.put(path, adapter);
            }
            if (options.kind() == AdapterKind.QLORA) {
                for (String linear : LAYER_LINEARS) {
                    if (!options.targets().contains(linear)) {
                        String path = prefix + linear;
                        quantizedOnly.put(path, (QLoraLinear) block.replace(path,
                                base -> new QLoraLinear(base, options, manager, 0, false)));
                    }
                }
            }
        }
        Map<String, Nf4EmbeddingTable> quantizedEmbeddings = new LinkedHashMap<>();
        if (options.kind() == AdapterKind.QLORA) {
            for (String path : QUANTIZED_EMBEDDINGS) {
                quantizedEmbeddings.put(path, (Nf4EmbeddingTable) block.replace(path,
                        base -> new Nf4EmbeddingTable(base, options)));
            }
        }
        return new EncoderAdapters(options, baseEncoder, adapters, quantizedOnly, quantizedEmbeddings,
                baseParameters, baseCount);
    }

    private static AdaptedLinear create(ai.djl.nn.Block base, AdapterOptions options, NDManager manager, long seed) {
        return switch (options.kind()) {
            case LORA -> new LoraLinear(base, options, manager, seed);
            case QLORA -> new QLoraLinear(base, options, manager, seed, true);
            case ADALORA -> new AdaLoraLinear(base, options, manager, seed);
            case CONVLORA -> new ConvLoraLinear(base, options, manager, seed);
        };
    }

    public AdapterOptions options() {
        return options;
    }

    /** The name of the base encoder the adapters belong to (e.g. {@code minilm}). */
    public String baseEncoder() {
        return baseEncoder;
    }

    /** Adapted projections by Hugging Face path. */
    public Map<String, AdaptedLinear> adapters() {
        return adapters;
    }

    /** The arrays a trainer updates, in a fixed order. */
    public List<Parameter> trainableParameters() {
        List<Parameter> out = new ArrayList<>();
        for (AdaptedLinear adapter : adapters.values()) {
            out.addAll(adapter.trainableParameters().values());
        }
        return out;
    }

    public long trainableParameterCount() {
        long count = 0;
        for (Parameter parameter : trainableParameters()) {
            count += parameter.getArray().size();
        }
        return count;
    }

    /** Parameters of the base encoder (frozen) as loaded. */
    public long baseParameterCount() {
        return baseParameterCount;
    }

    /**
     * Bytes the frozen base weights really hold now, counted from what is held rather than from the shapes: every
     * base parameter whose array is still open (its data type's bytes per element) plus, for QLoRA, the code and
     * scale arrays of every NF4 projection and embedding table (their FP32 arrays are closed and count nothing).
     * Merged serving copies are not base weights and are left out.
     */
    public long baseWeightBytes() {
        long bytes = 0;
        for (Parameter parameter : baseParameters) {
            if (parameter.isInitialized() && !parameter.getArray().isReleased()) {
                NDArray array = parameter.getArray();
                bytes += array.size() * array.getDataType().getNumOfBytes();
            }
        }
        for (QLoraLinear q : quantizedLinears()) {
            bytes += q.quantized().heldBytes();
        }
        for (Nf4EmbeddingTable table : quantizedEmbeddings.values()) {
            bytes += table.heldBytes();
        }
        return bytes;
    }

    /** What the base weights would take in FP32. */
    public long baseFp32Bytes() {
        return baseFp32Bytes;
    }

    /** QLoRA: bytes the quantised projections hold, and what they took in FP32 (both 0 for other kinds). */
    public long[] quantizedLinearBytes() {
        long held = 0;
        long fp32 = 0;
        for (QLoraLinear q : quantizedLinears()) {
            held += q.baseWeightBytes();
            fp32 += 4L * q.baseParameterCount();
        }
        return new long[] {held, fp32};
    }

    /** QLoRA: bytes the NF4 embedding tables hold, and what they took in FP32 (both 0 for other kinds). */
    public long[] quantizedEmbeddingBytes() {
        long held = 0;
        long fp32 = 0;
        for (Nf4EmbeddingTable table : quantizedEmbeddings.values()) {
            held += table.heldBytes();
            fp32 += table.fp32Bytes();
        }
        return new long[] {held, fp32};
    }

    /** QLoRA: the NF4 embedding tables by Hugging Face path (empty for other kinds). */
    public Map<String, Nf4EmbeddingTable> quantizedEmbeddings() {
        return quantizedEmbeddings;
    }

    private List<QLoraLinear> quantizedLinears() {
        List<QLoraLinear> out = new ArrayList<>(quantizedOnly.values());
        for (AdaptedLinear adapter : adapters.values()) {
            if (adapter instanceof QLoraLinear q) {
                out.add(q);
            }
        }
        return out;
    }

    /**
     * AdaLoRA eq. 4 over all adapted matrices, {@code γ · mean R(P, Q)}, to add to the loss; empty for other
     * kinds. {@code scope} must live until the backward pass.
     */
    public Optional<NDArray> regularization(NDManager scope) {
        if (budget == null || options.orthogonality() == 0f) {
            return Optional.empty();
        }
        NDArray sum = null;
        for (AdaptedLinear adapter : adapters.values()) {
            NDArray penalty = ((AdaLoraLinear) adapter).orthogonalityPenalty(scope);
            sum = sum == null ? penalty : sum.add(penalty);
        }
        NDArray weight = scope.create(options.orthogonality() / adapters.size());
        return Optional.of(sum.mul(weight));
    }

    /** AdaLoRA: the rank allocator; empty for other kinds. */
    public Optional<AdaLoraBudget> budget() {
        return Optional.ofNullable(budget);
    }

    /** Call after each backward pass (0-based step): AdaLoRA updates importance and the rank budget. */
    public void afterBackward(int step) {
        if (budget != null) {
            budget.afterBackward(step);
        }
    }

    /** Folds every adapter into its base weight for serving (ConvLoRA cannot: it throws). */
    public void merge() {
        adapters.values().forEach(AdaptedLinear::merge);
    }

    public void unmerge() {
        adapters.values().forEach(AdaptedLinear::unmerge);
    }

    /** Every array an adapter file stores, by {@code <projection path>.<name>}. */
    public Map<String, Parameter> state() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (Map.Entry<String, AdaptedLinear> entry : adapters.entrySet()) {
            for (Map.Entry<String, Parameter> p : entry.getValue().state().entrySet()) {
                out.put(entry.getKey() + "." + p.getKey(), p.getValue());
            }
        }
        return out;
    }

    /** Writes the adapter alone (hyper-parameters, base encoder name, arrays); unmerged values. */
    public void save(Path file) throws IOException {
        boolean wasMerged = adapters.values().stream().anyMatch(AdaptedLinear::isMerged);
        if (wasMerged) {
            throw new IllegalStateException("unmerge the adapters before saving them");
        }
        AdapterFile.write(file, options, baseEncoder, state());
    }

    /**
     * Reads an adapter file and attaches it to {@code encoder}.
     *
     * @throws IllegalArgumentException if the file was made for another base encoder or is malformed
     */
    public static EncoderAdapters load(TextEncoder encoder, Path file) throws IOException {
        return load(encoder.block(), encoder.manager(), encoder.spec().cliName(), file);
    }

    /**
     * Reads an adapter file and attaches it to {@code block}, whose weights are those of {@code baseEncoder}.
     *
     * @throws IllegalArgumentException if the file was made for another base encoder or is malformed
     */
    public static EncoderAdapters load(BertEncoderBlock block, NDManager manager, String baseEncoder, Path file)
            throws IOException {
        AdapterFile contents = AdapterFile.read(file);
        if (!contents.baseEncoder().equals(baseEncoder)) {
            throw new IllegalArgumentException("adapter file " + file + " is for base encoder '"
                    + contents.baseEncoder() + "', not '" + baseEncoder + "'");
        }
        EncoderAdapters adapters = attach(block, manager, contents.options(), baseEncoder);
        contents.copyInto(adapters.state(), file);
        return adapters;
    }
}
