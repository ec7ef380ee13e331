package io.dsistream.models.encoder;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ONNX parsing on a hand-written ModelProto: naming by the consuming MatMul node and transposition. */
class OnnxWeightsTest {

    private static final String QUERY_MATMUL = "/encoder/layer.0/attention/self/query/MatMul";

    @Test
    void linearWeightIsNamedByItsMatMulNodeAndTransposedToOutIn() throws IOException {
        OnnxWeights weights = OnnxWeights.parse(tinyModel(), "tiny.onnx");

        // Stored (in=2, out=3) as [[1, 2, 3], [4, 5, 6]]; Hugging Face wants (out=3, in=2).
        HfTensor query = weights.tensor("encoder.layer.0.attention.self.query.weight");
        assertArrayEquals(new long[] {3, 2}, query.shape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, query.data());

        HfTensor bias = weights.tensor("encoder.layer.0.attention.self.query.bias");
        assertArrayEquals(new long[] {3}, bias.shape());
        assertArrayEquals(new float[] {0.5f, -1f, 2f}, bias.data());

        assertEquals(List.of("encoder.layer.0.attention.self.query.bias",
                "encoder.layer.0.attention.self.query.weight"), List.copyOf(weights.hfNames()),
                "the int64 position ids are no weight");
    }

    @Test
    void missingWeightIsNamed() throws IOException {
        OnnxWeights weights = OnnxWeights.parse(tinyModel(), "tiny.onnx");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> weights.tensor("encoder.layer.0.attention.self.key.weight"));

        assertTrue(e.getMessage().contains("encoder.layer.0.attention.self.key.weight"), e.getMessage());
        assertTrue(e.getMessage().contains("tiny.onnx"), e.getMessage());
    }

    @Test
    void nodeNamesMapToModulePaths() {
        assertEquals("encoder.layer.11.output.dense",
                OnnxWeights.hfModuleName("/encoder/layer.11/output/dense/MatMul"));
    }

    /** ModelProto { graph = 7 { node = 1 {…}, initializer = 5 {…} ×3 } }, written by field number. */
    private static byte[] tinyModel() throws IOException {
        byte[] node = message(out -> {
            out.writeString(1, "/encoder/layer.0/attention/self/query/Add_output_0");
            out.writeString(1, "onnx::MatMul_7");
            out.writeString(2, "/encoder/layer.0/attention/self/query/MatMul_output_0");
            out.writeString(3, QUERY_MATMUL);
            out.writeString(4, "MatMul");
        });
        byte[] matMulWeight = message(out -> {
            out.writeInt64(1, 2);
            out.writeInt64(1, 3);
            out.writeInt32(2, 1);
            out.writeString(8, "onnx::MatMul_7");
            out.writeBytes(9, ByteString.copyFrom(littleEndian(1, 2, 3, 4, 5, 6)));
        });
        byte[] bias = message(out -> {
            out.writeInt64(1, 3);
            out.writeInt32(2, 1);
            out.writeBytes(4, ByteString.copyFrom(littleEndian(0.5f, -1f, 2f))); // packed float_data
            out.writeString(8, "encoder.layer.0.attention.self.query.bias");
        });
        byte[] positionIds = message(out -> {
            out.writeInt64(1, 1);
            out.writeInt32(2, 7);
            out.writeString(8, "embeddings.position_ids");
            out.writeBytes(9, ByteString.copyFrom(new byte[8]));
        });
        byte[] graph = message(out -> {
            out.writeByteArray(1, node);
            out.writeByteArray(5, matMulWeight);
            out.writeByteArray(5, bias);
            out.writeByteArray(5, positionIds);
            out.writeString(2, "main_graph");
        });
        return message(out -> {
            out.writeInt64(1, 8); // ir_version, skipped
            out.writeByteArray(7, graph);
        });
    }

    private interface Writer {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Writer writer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        writer.write(out);
        out.flush();
        return bytes.toByteArray();
    }

    private static byte[] littleEndian(float... values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buffer.putFloat(v);
        }
        return buffer.array();
    }
}
