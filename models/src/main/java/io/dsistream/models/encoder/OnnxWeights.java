package io.dsistream.models.encoder;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The float initializers of an ONNX model, addressed by Hugging Face parameter names.
 *
 * <p>The ONNX {@code ModelProto} is read field by field with {@link CodedInputStream} (no generated classes):
 * {@code ModelProto.graph = 7}; {@code GraphProto.node = 1, initializer = 5}; {@code NodeProto.input = 1,
 * output = 2, name = 3, op_type = 4}; {@code TensorProto.dims = 1, data_type = 2, float_data = 4, name = 8,
 * raw_data = 9}.
 *
 * <p>The Hugging Face → ONNX export keeps names such as {@code embeddings.word_embeddings.weight} and
 * {@code encoder.layer.0.attention.self.query.bias}, but every Linear weight becomes an anonymous
 * {@code onnx::MatMul_N} initializer stored transposed, {@code (in, out)}. Such a weight is named here by the
 * MatMul node that consumes it ({@code /encoder/layer.0/attention/self/query/MatMul} →
 * {@code encoder.layer.0.attention.self.query.weight}) and transposed back to {@code (out, in)}.
 */
public final class OnnxWeights {

    private static final int FLOAT = 1;

    private final String source;
    private final Map<String, Initializer> byOnnxName;
    /** Hugging Face name → ONNX initializer name, and whether the stored tensor is transposed. */
    private final Map<String, Mapping> byHfName;

    private OnnxWeights(String source, Map<String, Initializer> byOnnxName, Map<String, Mapping> byHfName) {
        this.source = source;
        this.byOnnxName = byOnnxName;
        this.byHfName = byHfName;
    }

    /** Reads the weights of the (verified) ONNX file an artifact carries. */
    public static OnnxWeights read(ModelArtifact artifact) {
        return parse(artifact.readVerified(), artifact.describe("classpath:" + artifact.resource()));
    }

    /**
     * Parses a serialized {@code ModelProto}. The returned tensors alias {@code modelProto}; do not change it.
     *
     * @param source names the model in error messages
     */
    public static OnnxWeights parse(byte[] modelProto, String source) {
        Map<String, Initializer> initializers = new LinkedHashMap<>();
        List<Node> nodes = new ArrayList<>();
        try {
            CodedInputStream in = CodedInputStream.newInstance(modelProto);
            in.enableAliasing(true);
            in.setSizeLimit(Integer.MAX_VALUE);
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (fieldOf(tag) == 7 && isLengthDelimited(tag)) {
                    int limit = in.pushLimit(in.readRawVarint32());
                    readGraph(in, initializers, nodes);
                    in.popLimit(limit);
                } else {
                    in.skipField(tag);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse the ONNX model " + source, e);
        }
        if (initializers.isEmpty()) {
            throw new IllegalArgumentException("the ONNX model " + source + " has no initializers: not a model "
                    + "with embedded weights");
        }
        Map<String, Mapping> byHfName = new LinkedHashMap<>();
        for (Initializer init : initializers.values()) {
            if (!init.name.startsWith("onnx::") && init.dataType == FLOAT) {
                byHfName.put(init.name, new Mapping(init.name, false));
            }
        }
        for (Node node : nodes) {
            if ("MatMul".equals(node.opType) && node.inputs.size() == 2 && node.name.endsWith("/MatMul")) {
                Initializer weight = initializers.get(node.inputs.get(1));
                if (weight != null && weight.name.startsWith("onnx::") && weight.dims.length == 2) {
                    byHfName.put(hfModuleName(node.name) + ".weight", new Mapping(weight.name, true));
                }
            }
        }
        return new OnnxWeights(source, initializers, byHfName);
    }

    /**
     * The tensor under a Hugging Face name, in Hugging Face layout.
     *
     * @throws IllegalArgumentException naming the weight and the model if it is absent or not float32
     */
    public HfTensor tensor(String hfName) {
        Mapping mapping = byHfName.get(hfName);
        if (mapping == null) {
            throw new IllegalArgumentException("weight '" + hfName + "' is missing from the ONNX model " + source
                    + " (it has " + byHfName.size() + " named weights, e.g. " + byHfName.keySet().stream().limit(3)
                    .toList() + ")");
        }
        Initializer init = byOnnxName.get(mapping.onnxName);
        float[] values = init.floats(source);
        if (!mapping.transposed) {
            return new HfTensor(hfName, init.dims.clone(), values);
        }
        // ONNX MatMul computes x · W with W stored (in, out); Hugging Face Linear keeps W as (out, in).
        int rows = (int) init.dims[0];
        int cols = (int) init.dims[1];
        float[] transposed = new float[values.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                transposed[c * rows + r] = values[r * cols + c];
            }
        }
        return new HfTensor(hfName, new long[] {cols, rows}, transposed);
    }

    /** Every Hugging Face name this model provides, sorted. */
    public java.util.SortedSet<String> hfNames() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(byHfName.keySet()));
    }

    /** {@code /encoder/layer.0/attention/self/query/MatMul} → {@code encoder.layer.0.attention.self.query}. */
    static String hfModuleName(String matMulNodeName) {
        String path = matMulNodeName.substring(0, matMulNodeName.length() - "/MatMul".length());
        if (path.startsWith("/")) {
            path = path.substring(1);
        }
        return path.replace('/', '.');
    }

    private static void readGraph(CodedInputStream in, Map<String, Initializer> initializers, List<Node> nodes)
            throws IOException {
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int field = fieldOf(tag);
            if ((field == 1 || field == 5) && isLengthDelimited(tag)) {
                int limit = in.pushLimit(in.readRawVarint32());
                if (field == 1) {
                    nodes.add(readNode(in));
                } else {
                    Initializer init = readTensor(in);
                    initializers.put(init.name, init);
                }
                in.popLimit(limit);
            } else {
                in.skipField(tag);
            }
        }
    }

    private static Node readNode(CodedInputStream in) throws IOException {
        List<String> inputs = new ArrayList<>();
        String name = "";
        String opType = "";
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (fieldOf(tag)) {
                case 1 -> inputs.add(in.readStringRequireUtf8());
                case 3 -> name = in.readStringRequireUtf8();
                case 4 -> opType = in.readStringRequireUtf8();
                default -> in.skipField(tag);
            }
        }
        return new Node(name, opType, inputs);
    }

    private static Initializer readTensor(CodedInputStream in) throws IOException {
        List<Long> dims = new ArrayList<>();
        int dataType = 0;
        String name = "";
        ByteString raw = ByteString.EMPTY;
        FloatBuffer floatData = null;
        List<Float> looseFloats = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int field = fieldOf(tag);
            if (field == 1 && isLengthDelimited(tag)) {
                int limit = in.pushLimit(in.readRawVarint32());
                while (in.getBytesUntilLimit() > 0) {
                    dims.add(in.readInt64());
                }
                in.popLimit(limit);
            } else if (field == 1) {
                dims.add(in.readInt64());
            } else if (field == 2) {
                dataType = in.readInt32();
            } else if (field == 4 && isLengthDelimited(tag)) {
                floatData = in.readBytes().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            } else if (field == 4) {
                looseFloats.add(in.readFloat());
            } else if (field == 8) {
                name = in.readStringRequireUtf8();
            } else if (field == 9) {
                raw = in.readBytes();
            } else {
                in.skipField(tag);
            }
        }
        if (floatData == null && !looseFloats.isEmpty()) {
            float[] values = new float[looseFloats.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = looseFloats.get(i);
            }
            floatData = FloatBuffer.wrap(values);
        }
        return new Initializer(name, dims.stream().mapToLong(Long::longValue).toArray(), dataType, raw, floatData);
    }

    private static int fieldOf(int tag) {
        return WireFormat.getTagFieldNumber(tag);
    }

    private static boolean isLengthDelimited(int tag) {
        return WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
    }

    private record Node(String name, String opType, List<String> inputs) {
    }

    private record Mapping(String onnxName, boolean transposed) {
    }

    private record Initializer(String name, long[] dims, int dataType, ByteString raw, FloatBuffer floatData) {

        float[] floats(String source) {
            if (dataType != FLOAT) {
                throw new IllegalArgumentException("initializer '" + name + "' of the ONNX model " + source
                        + " has data type " + dataType + ", expected 1 (float32)");
            }
            long size = Arrays.stream(dims).reduce(1, Math::multiplyExact);
            FloatBuffer buffer = floatData != null ? floatData.duplicate()
                    : raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            if (buffer.remaining() != size) {
                throw new IllegalArgumentException("initializer '" + name + "' of the ONNX model " + source
                        + " has dims " + Arrays.toString(dims) + " but " + buffer.remaining() + " floats");
            }
            float[] values = new float[(int) size];
            buffer.get(values);
            return values;
        }
    }
}
