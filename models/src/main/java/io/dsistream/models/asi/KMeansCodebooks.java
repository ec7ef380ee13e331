package io.dsistream.models.asi;

import smile.clustering.KMeans;
import smile.math.MathEx;

/** Codebook initialisation by Lloyd's k-means (smile), seeded so that equal inputs give equal codebooks. */
final class KMeansCodebooks {

    private KMeansCodebooks() {
    }

    /**
     * {@code k} centroids of {@code points}, {@code (k, D)}.
     *
     * @throws IllegalArgumentException when there are fewer points than centroids
     */
    static float[][] centroids(float[][] points, int k, int iterations, long seed) {
        if (points.length < k) {
            throw new IllegalArgumentException("k-means needs at least as many embeddings as codes: got "
                    + points.length + " embeddings for " + k + " codes");
        }
        double[][] data = new double[points.length][];
        for (int i = 0; i < points.length; i++) {
            data[i] = new double[points[i].length];
            for (int j = 0; j < points[i].length; j++) {
                data[i][j] = points[i][j];
            }
        }
        // smile draws the k-means++ seeds from its thread-local generator
        MathEx.setSeed(seed);
        KMeans kMeans = KMeans.lloyd(data, k, iterations, 1e-4);
        java.util.Random fallback = new java.util.Random(seed);
        float[][] centroids = new float[k][];
        for (int c = 0; c < k; c++) {
            double[] centroid = kMeans.centroids[c];
            boolean finite = true;
            for (double value : centroid) {
                finite &= Double.isFinite(value);
            }
            // an emptied cluster has no mean: restart it on a data point, as Lloyd's usual repair does
            double[] source = finite ? centroid : data[fallback.nextInt(data.length)];
            centroids[c] = new float[source.length];
            for (int j = 0; j < source.length; j++) {
                centroids[c][j] = (float) source[j];
            }
        }
        return centroids;
    }
}
