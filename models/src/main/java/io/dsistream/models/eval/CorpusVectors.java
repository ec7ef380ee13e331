package io.dsistream.models.eval;

import java.util.List;

/**
 * One vector per corpus document, stored row-major in one flat array {@code (N, H)} so that exhaustive
 * scoring streams through memory instead of chasing N small arrays. Row i belongs to {@code docIds.get(i)}.
 */
public record CorpusVectors(List<String> docIds, int dimension, float[] vectors) {

    public CorpusVectors {
        docIds = List.copyOf(docIds);
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
        }
        if ((long) docIds.size() * dimension != vectors.length) {
            throw new IllegalArgumentException("expected " + docIds.size() + " x " + dimension + " = "
                    + (long) docIds.size() * dimension + " floats, got " + vectors.length);
        }
    }

    /** Number of documents N. */
    public int size() {
        return docIds.size();
    }

    /** A copy of row {@code i}, {@code (H)}. */
    public float[] vector(int i) {
        float[] row = new float[dimension];
        System.arraycopy(vectors, i * dimension, row, 0, dimension);
        return row;
    }

    /** Scales every row of {@code (N, H)} {@code vectors} to unit length in place; zero rows stay zero. */
    static void normalizeRows(float[] vectors, int dimension) {
        for (int offset = 0; offset < vectors.length; offset += dimension) {
            double squares = 0.0;
            for (int h = 0; h < dimension; h++) {
                squares += (double) vectors[offset + h] * vectors[offset + h];
            }
            if (squares > 0.0) {
                float scale = (float) (1.0 / Math.sqrt(squares));
                for (int h = 0; h < dimension; h++) {
                    vectors[offset + h] *= scale;
                }
            }
        }
    }
}
