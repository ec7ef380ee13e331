package io.dsistream.models.asi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Map;

/**
 * What the three quantizers share: named parameters in a manager of their own, chunked inference for
 * {@link #assign}, and the file format.
 */
abstract class AbstractQuantizer implements SemanticQuantizer {

    /** Rows per forward pass in {@link #assign}, which bounds the memory of one call. */
    private static final int ASSIGN_CHUNK = 4096;

    private final QuantizerOptions options;
    private final NDManager manager;
    private final ParameterList parameters = new ParameterList();

    /**
     * @param shapes every parameter's name and shape, in a stable order
     * @param values every parameter's initial values, flattened row-major
     */
    AbstractQuantizer(NDManager parent, QuantizerOptions options, Map<String, Shape> shapes,
                      Map<String, float[]> values) {
        this.options = options;
        this.manager = parent.newSubManager();
        for (Map.Entry<String, Shape> entry : shapes.entrySet()) {
            String name = entry.getKey();
            Shape shape = entry.getValue();
            float[] initial = values.get(name);
            if (initial == null) {
                throw new IllegalArgumentException("no values for parameter '" + name + "' of a "
                        + options.kind() + " quantizer");
            }
            if (initial.length != shape.size()) {
                throw new IllegalArgumentException("parameter '" + name + "' needs " + shape.size()
                        + " values for shape " + shape + ", got " + initial.length);
            }
            NDArray array = manager.create(initial, shape);
            array.setName(name);
            array.setRequiresGradient(true);
            Parameter parameter = Parameter.builder()
                    .setName(name)
                    .setType(Parameter.Type.WEIGHT)
                    .optShape(shape)
                    .optArray(array)
                    .optRequiresGrad(true)
                    .build();
            parameters.add(name, parameter);
        }
    }

    @Override
    public final QuantizerOptions options() {
        return options;
    }

    @Override
    public final ParameterList getParameters() {
        return parameters;
    }

    /**
     * The parameter's values as an array of {@code scope}, still differentiable towards the parameter. Operations
     * put their result in the manager of their receiver, so an expression starting from a parameter would leave
     * its result in the quantizer's own manager, which lives as long as the quantizer: a leak per step.
     */
    final NDArray borrow(String name, NDManager scope) {
        NDArray array = parameters.get(name).getArray();
        return scope.zeros(new Shape(), DataType.FLOAT32, array.getDevice()).add(array);
    }

    @Override
    public final int[][] assign(float[][] embeddings) {
        float[][] logProbabilities = logCodeProbabilities(embeddings);
        int positions = options.positions();
        int codes = options.codesPerPosition();
        int[][] ids = new int[embeddings.length][];
        for (int row = 0; row < embeddings.length; row++) {
            int[] id = new int[positions];
            for (int p = 0; p < positions; p++) {
                int best = 0;
                for (int c = 1; c < codes; c++) {
                    if (logProbabilities[row][p * codes + c] > logProbabilities[row][p * codes + best]) {
                        best = c;
                    }
                }
                id[p] = best;
            }
            ids[row] = id;
        }
        return ids;
    }

    @Override
    public final float[][] logCodeProbabilities(float[][] embeddings) {
        float[][] rows = new float[embeddings.length][];
        int width = options.positions() * options.codesPerPosition();
        for (int start = 0; start < embeddings.length; start += ASSIGN_CHUNK) {
            int end = Math.min(embeddings.length, start + ASSIGN_CHUNK);
            float[] flat = new float[(end - start) * options.dimension()];
            for (int row = start; row < end; row++) {
                if (embeddings[row].length != options.dimension()) {
                    throw new IllegalArgumentException("embedding " + row + " has " + embeddings[row].length
                            + " dimensions, the quantizer reads " + options.dimension());
                }
                System.arraycopy(embeddings[row], 0, flat, (row - start) * options.dimension(),
                        options.dimension());
            }
            try (NDManager scope = manager.newSubManager()) {
                NDArray batch = scope.create(flat, new Shape(end - start, options.dimension()));
                // (B, L, V) flattened row-major: row b's block is [L * V]
                float[] all = forward(batch, false).logCodeProbabilities().toFloatArray();
                for (int row = start; row < end; row++) {
                    rows[row] = Arrays.copyOfRange(all, (row - start) * width, (row - start + 1) * width);
                }
            }
        }
        return rows;
    }

    /** The embeddings' batch size after checking that their shape is {@code (B, H)}. */
    final long requireEmbeddingShape(NDArray embeddings) {
        Shape shape = embeddings.getShape();
        if (shape.dimension() != 2 || shape.get(1) != options.dimension()) {
            throw new IllegalArgumentException("embeddings must be (B, " + options.dimension() + "), got " + shape);
        }
        return shape.get(0);
    }

    @Override
    public final void save(OutputStream out) throws IOException {
        QuantizerFile.write(this, out);
    }

    @Override
    public final void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + options;
    }
}
