package io.dsistream.models.adapters;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The adapter file format (version 1): the magic {@code DSIADAPT}, a big-endian int giving the length of a UTF-8
 * JSON header, the header, then each array's float32 values (big-endian, row-major) in header order. The header:
 * <pre>{@code
 * {"format": "dsi-adapter", "version": 1, "kind": "lora", "baseEncoder": "minilm",
 *  "hyperParameters": {...AdapterOptions.toMap()...},
 *  "arrays": [{"name": "encoder.layer.0.attention.self.query.lora_A", "shape": [8, 384]}, ...]}
 * }</pre>
 * Only the adapter is stored (LoRA r = 8 on MiniLM: about 0.6 MB), so a model bundle carries it next to the name of
 * its base encoder, which comes from a Maven artifact.
 *
 * @param options     the hyper-parameters the adapter was built with
 * @param baseEncoder the base encoder's name
 * @param arrays      name → values, in file order
 * @param shapes      name → shape
 */
public record AdapterFile(AdapterOptions options, String baseEncoder, Map<String, float[]> arrays,
                          Map<String, long[]> shapes) {

    static final byte[] MAGIC = "DSIADAPT".getBytes(StandardCharsets.US_ASCII);
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Writes atomically (a temporary file renamed into place). */
    static void write(Path file, AdapterOptions options, String baseEncoder, Map<String, Parameter> state)
            throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("format", "dsi-adapter");
        header.put("version", VERSION);
        header.put("kind", options.kind().cliName());
        header.put("baseEncoder", baseEncoder);
        header.put("hyperParameters", options.toMap());
        List<Map<String, Object>> arrays = new ArrayList<>();
        for (Map.Entry<String, Parameter> entry : state.entrySet()) {
            Map<String, Object> described = new LinkedHashMap<>();
            described.put("name", entry.getKey());
            described.put("shape", entry.getValue().getArray().getShape().getShape());
            arrays.add(described);
        }
        header.put("arrays", arrays);
        byte[] headerBytes = JSON.writeValueAsBytes(header);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path temporary = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        try (OutputStream raw = Files.newOutputStream(temporary);
             DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(raw))) {
            out.write(MAGIC);
            out.writeInt(headerBytes.length);
            out.write(headerBytes);
            for (Parameter parameter : state.values()) {
                for (float value : parameter.getArray().toFloatArray()) {
                    out.writeFloat(value);
                }
            }
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Reads a file {@link #write} made.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static AdapterFile read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IllegalArgumentException(file + " is not an adapter file (no DSIADAPT magic)");
            }
            byte[] headerBytes = new byte[in.readInt()];
            in.readFully(headerBytes);
            JsonNode header = JSON.readTree(headerBytes);
            int version = header.path("version").asInt(-1);
            if (version != VERSION) {
                throw new IllegalArgumentException(file + " has adapter format version " + version
                        + "; this build reads version " + VERSION);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> hyper = JSON.convertValue(header.path("hyperParameters"), Map.class);
            AdapterOptions options = AdapterOptions.fromMap(hyper);
            Map<String, float[]> arrays = new LinkedHashMap<>();
            Map<String, long[]> shapes = new LinkedHashMap<>();
            for (JsonNode described : header.path("arrays")) {
                String name = described.path("name").asText();
                long[] shape = JSON.convertValue(described.path("shape"), long[].class);
                long size = Arrays.stream(shape).reduce(1, Math::multiplyExact);
                float[] values = new float[Math.toIntExact(size)];
                for (int i = 0; i < values.length; i++) {
                    values[i] = in.readFloat();
                }
                arrays.put(name, values);
                shapes.put(name, shape);
            }
            if (in.read() != -1) {
                throw new IllegalArgumentException(file + " has bytes after its last array: truncated header?");
            }
            return new AdapterFile(options, header.path("baseEncoder").asText(), arrays, shapes);
        } catch (java.io.EOFException e) {
            throw new IllegalArgumentException(file + " ends before its last array: truncated", e);
        }
    }

    /**
     * Copies every array into the parameter of the same name.
     *
     * @throws IllegalArgumentException naming the array that is missing on either side or has another shape
     */
    void copyInto(Map<String, Parameter> state, Path file) {
        if (!state.keySet().equals(arrays.keySet())) {
            List<String> missing = new ArrayList<>(state.keySet());
            missing.removeAll(arrays.keySet());
            List<String> extra = new ArrayList<>(arrays.keySet());
            extra.removeAll(state.keySet());
            throw new IllegalArgumentException("adapter file " + file + " does not fit the attached adapters: missing "
                    + missing + ", unexpected " + extra);
        }
        for (Map.Entry<String, Parameter> entry : state.entrySet()) {
            NDArray array = entry.getValue().getArray();
            long[] expected = array.getShape().getShape();
            if (!Arrays.equals(expected, shapes.get(entry.getKey()))) {
                throw new IllegalArgumentException("array '" + entry.getKey() + "' in " + file + " has shape "
                        + Arrays.toString(shapes.get(entry.getKey())) + ", the adapter needs " + Arrays.toString(expected));
            }
            array.set(arrays.get(entry.getKey()));
        }
    }
}
