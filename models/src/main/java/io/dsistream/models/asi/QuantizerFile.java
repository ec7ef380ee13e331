package io.dsistream.models.asi;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The binary file of a quantizer: a magic string and format version, the {@link QuantizerOptions}, then each
 * parameter as name, shape and big-endian float32 values. The options come first so that a reader can rebuild
 * the right kind of quantizer and check every shape before any weight is used.
 */
final class QuantizerFile {

    static final String MAGIC = "dsi-stream/semantic-quantizer";
    static final int FORMAT_VERSION = 1;

    private QuantizerFile() {
    }

    static void write(SemanticQuantizer quantizer, OutputStream stream) throws IOException {
        DataOutputStream out = new DataOutputStream(stream);
        out.writeUTF(MAGIC);
        out.writeInt(FORMAT_VERSION);
        QuantizerOptions o = quantizer.options();
        out.writeUTF(o.kind().name());
        out.writeInt(o.positions());
        out.writeInt(o.codesPerPosition());
        out.writeInt(o.dimension());
        out.writeInt(o.hiddenSize());
        out.writeFloat(o.dropout());
        out.writeFloat(o.sinkhornEpsilon());
        out.writeInt(o.sinkhornIterations());
        out.writeInt(o.kMeansIterations());
        out.writeLong(o.seed());
        out.writeInt(quantizer.getParameters().size());
        for (Pair<String, Parameter> named : quantizer.getParameters()) {
            out.writeUTF(named.getKey());
            Shape shape = named.getValue().getArray().getShape();
            out.writeInt(shape.dimension());
            for (long dim : shape.getShape()) {
                out.writeLong(dim);
            }
            float[] values = named.getValue().getArray().toFloatArray();
            ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES);
            bytes.asFloatBuffer().put(values);
            out.write(bytes.array());
        }
        out.flush();
    }

    static SemanticQuantizer read(NDManager manager, InputStream stream, String source) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        String magic = in.readUTF();
        if (!MAGIC.equals(magic)) {
            throw new IOException(source + " is not a semantic quantizer file (starts with '" + magic + "')");
        }
        int version = in.readInt();
        if (version != FORMAT_VERSION) {
            throw new IOException(source + " has quantizer format version " + version + "; this build reads "
                    + FORMAT_VERSION);
        }
        QuantizerKind kind;
        String kindName = in.readUTF();
        try {
            kind = QuantizerKind.valueOf(kindName);
        } catch (IllegalArgumentException e) {
            throw new IOException(source + " names an unknown quantizer kind '" + kindName + "'", e);
        }
        QuantizerOptions options;
        try {
            options = new QuantizerOptions(kind, in.readInt(), in.readInt(), in.readInt(), in.readInt(),
                    in.readFloat(), in.readFloat(), in.readInt(), in.readInt(), in.readLong());
        } catch (IllegalArgumentException e) {
            throw new IOException(source + " holds invalid quantizer options: " + e.getMessage(), e);
        }
        Map<String, Shape> expected = switch (kind) {
            case MLP -> MlpQuantizer.parameterShapes(options);
            case RESIDUAL -> ResidualQuantizer.parameterShapes(options);
            case PRODUCT -> ProductQuantizer.parameterShapes(options);
        };
        int count = in.readInt();
        if (count != expected.size()) {
            throw new IOException(source + " holds " + count + " parameters; a " + kind + " quantizer has "
                    + expected.size() + " " + expected.keySet());
        }
        Map<String, float[]> values = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            int rank = in.readInt();
            long[] dims = new long[rank];
            for (int d = 0; d < rank; d++) {
                dims[d] = in.readLong();
            }
            Shape shape = new Shape(dims);
            if (!shape.equals(expected.get(name))) {
                throw new IOException(source + ": parameter '" + name + "' has shape " + shape
                        + "; the options ask for " + expected.get(name));
            }
            byte[] bytes = new byte[Math.toIntExact(shape.size() * Float.BYTES)];
            in.readFully(bytes);
            float[] floats = new float[Math.toIntExact(shape.size())];
            ByteBuffer.wrap(bytes).asFloatBuffer().get(floats);
            values.put(name, floats);
        }
        return switch (kind) {
            case MLP -> new MlpQuantizer(manager, options, values);
            case RESIDUAL -> new ResidualQuantizer(manager, options, values);
            case PRODUCT -> new ProductQuantizer(manager, options, values);
        };
    }
}
