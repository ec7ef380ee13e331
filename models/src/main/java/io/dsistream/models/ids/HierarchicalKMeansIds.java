package io.dsistream.models.ids;

import java.util.Arrays;
import java.util.List;
import smile.clustering.KMeans;
import smile.math.MathEx;

/**
 * DSI's semantically structured string docids (Tay et al. 2022, §3.2, Algorithm 1): documents are clustered into
 * {@code k} clusters by k-means over their embeddings and take their cluster number as the next code; a cluster
 * of more than {@code c} documents is clustered again, one of at most {@code c} documents gives each document its
 * index 0..size−1 as the last code. The paper uses k = 10, c = 100.
 *
 * <p>IDs are unique and prefix-free (every document ends at a cluster that was not split again), so beam search
 * needs no EOS; their length varies with the depth of the recursion. Codes per position: {@code max(k, c)}.
 *
 * <p>Clustering is smile's {@link KMeans#lloyd} (k-means++ seeding, Lloyd iterations), seeded through
 * {@link MathEx#setSeed} on the calling thread, so the same embeddings and seed give the same IDs. Two
 * degenerate cases the paper leaves open: a cluster of fewer than {@code k} documents (only when
 * {@code c < k} or at the top) gives each document its own cluster; and when k-means cannot separate a
 * cluster (identical embeddings put everything in one cluster) the documents are split into {@code k}
 * equal runs in input order, so that the recursion always shrinks.
 */
public final class HierarchicalKMeansIds {

    public static final int DEFAULT_K = 10;
    public static final int DEFAULT_C = 100;
    public static final long DEFAULT_SEED = 42L;
    private static final int MAX_ITERATIONS = 100;
    private static final double TOLERANCE = 1e-4;

    private final int k;
    private final int c;
    private final long seed;

    /** The paper's k = 10, c = 100, seed 42. */
    public HierarchicalKMeansIds() {
        this(DEFAULT_K, DEFAULT_C, DEFAULT_SEED);
    }

    public HierarchicalKMeansIds(int k, int c, long seed) {
        if (k < 2) {
            throw new IllegalArgumentException("k (clusters per level) must be at least 2, got " + k);
        }
        if (c < 1) {
            throw new IllegalArgumentException("c (largest cluster given leaf indices) must be at least 1, got " + c);
        }
        this.k = k;
        this.c = c;
        this.seed = seed;
    }

    /** Codes a position can take: cluster numbers below k and leaf indices below c. */
    public int codesPerPosition() {
        return Math.max(k, c);
    }

    /** The smallest vocabulary that holds {@code ids}: their longest length × {@link #codesPerPosition()}. */
    public IdVocabulary vocabulary(List<SemanticId> ids) {
        int maxLength = 1;
        for (SemanticId id : ids) {
            maxLength = Math.max(maxLength, id.length());
        }
        return new IdVocabulary(maxLength, codesPerPosition());
    }

    /**
     * One ID per document, in input order.
     *
     * @param embeddings {@code (N, H)} document embeddings
     */
    public List<SemanticId> assign(float[][] embeddings) {
        if (embeddings == null || embeddings.length == 0) {
            return List.of();
        }
        int dimension = embeddings[0].length;
        for (int i = 0; i < embeddings.length; i++) {
            if (embeddings[i] == null || embeddings[i].length != dimension) {
                throw new IllegalArgumentException("embedding " + i + " has "
                        + (embeddings[i] == null ? "no" : String.valueOf(embeddings[i].length))
                        + " values, expected " + dimension + " like embedding 0");
            }
        }
        int[] everyone = new int[embeddings.length];
        Arrays.setAll(everyone, i -> i);
        SemanticId[] ids = new SemanticId[embeddings.length];
        MathEx.setSeed(seed);
        generate(embeddings, everyone, new int[0], ids);
        return List.of(ids);
    }

    /** DSI Algorithm 1, GENERATESEMANTICIDS over the documents {@code members}, below {@code prefix}. */
    private void generate(float[][] embeddings, int[] members, int[] prefix, SemanticId[] ids) {
        int[] cluster = cluster(embeddings, members);
        int[] clusterSizes = new int[k];
        for (int label : cluster) {
            clusterSizes[label]++;
        }
        for (int label = 0; label < k; label++) {
            if (clusterSizes[label] == 0) {
                continue;
            }
            int[] inCluster = new int[clusterSizes[label]];
            int n = 0;
            for (int m = 0; m < members.length; m++) {
                if (cluster[m] == label) {
                    inCluster[n++] = members[m];
                }
            }
            int[] clusterPrefix = Arrays.copyOf(prefix, prefix.length + 1);
            clusterPrefix[prefix.length] = label;
            if (inCluster.length > c) {
                generate(embeddings, inCluster, clusterPrefix, ids);
            } else {
                for (int index = 0; index < inCluster.length; index++) {
                    int[] codes = Arrays.copyOf(clusterPrefix, clusterPrefix.length + 1);
                    codes[clusterPrefix.length] = index;
                    ids[inCluster[index]] = SemanticId.of(codes);
                }
            }
        }
    }

    /** A cluster label in 0..k−1 per member, with at least two distinct labels when there are two members. */
    private int[] cluster(float[][] embeddings, int[] members) {
        int[] labels = new int[members.length];
        if (members.length <= k) {
            Arrays.setAll(labels, m -> m);
            return labels;
        }
        double[][] data = new double[members.length][];
        for (int m = 0; m < members.length; m++) {
            float[] row = embeddings[members[m]];
            data[m] = new double[row.length];
            for (int h = 0; h < row.length; h++) {
                data[m][h] = row[h];
            }
        }
        KMeans kmeans = KMeans.lloyd(data, k, MAX_ITERATIONS, TOLERANCE);
        System.arraycopy(kmeans.y, 0, labels, 0, labels.length);
        int first = labels[0];
        for (int label : labels) {
            if (label != first) {
                return labels;
            }
        }
        // k-means put everything in one cluster: split into k runs so the recursion terminates.
        for (int m = 0; m < members.length; m++) {
            labels[m] = (int) ((long) m * k / members.length);
        }
        return labels;
    }
}
