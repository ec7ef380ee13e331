package io.dsistream.models.ids;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How evenly an ID assignment spreads documents over the ID space (ASI++ §2.2: the distributionally balanced
 * criterion exists because learned IDs crowd into few leaves). A leaf is a complete ID; it is used when it holds
 * at least one document. All leaf statistics are over used leaves.
 *
 * <ul>
 *   <li>{@code normalized_entropy}: {@code H = -Σ_leaf p log p} with {@code p = n_leaf / N} (natural log), divided by
 *       {@code log(min(N, capacity))} with {@code capacity = V^L} ({@code V} codes per position, {@code L} maxLength).
 *       {@code log(min(N, capacity))} is the largest entropy N documents can reach in that space, so 1.0 is the best
 *       achievable spread (every document alone while the space has room, every leaf equally full when it has not)
 *       and 0.0 is all documents in one leaf. Defined as 1.0 for a single document and 0.0 for none. IDs that are
 *       not prefix-free (naive string docids) have more than {@code V^L} leaves and can exceed 1.0 once
 *       {@code N > V^L}.</li>
 *   <li>{@code perplexity}: {@code exp(H)}, the number of equally full leaves with the same entropy.</li>
 *   <li>{@code max_leaf}, {@code p99_leaf} (nearest rank: the smallest size that at least 99% of used leaves do
 *       not exceed), {@code mean_leaf} ({@code N / used leaves}).</li>
 *   <li>{@code collision_rate}: the share of documents that share their leaf with another document.</li>
 *   <li>{@code gini}: Gini coefficient of used leaves' sizes, {@code Σ_i Σ_j |x_i − x_j| / (2 U² mean)}; 0 when all
 *       used leaves are equally full.</li>
 *   <li>{@code codes_used.p<i>}: distinct codes at position {@code i} over used leaves (ASI++ Table 4's
 *       utilisation of each position's codebook).</li>
 * </ul>
 */
public final class BalanceReport {

    private final long documents;
    private final long usedLeaves;
    private final int[] codesUsedPerPosition;
    private final double entropy;
    private final double normalizedEntropy;
    private final long maxLeaf;
    private final long p99Leaf;
    private final double collisionRate;
    private final double gini;

    private BalanceReport(long documents, long usedLeaves, int[] codesUsedPerPosition, double entropy,
                          double normalizedEntropy, long maxLeaf, long p99Leaf, double collisionRate, double gini) {
        this.documents = documents;
        this.usedLeaves = usedLeaves;
        this.codesUsedPerPosition = codesUsedPerPosition;
        this.entropy = entropy;
        this.normalizedEntropy = normalizedEntropy;
        this.maxLeaf = maxLeaf;
        this.p99Leaf = p99Leaf;
        this.collisionRate = collisionRate;
        this.gini = gini;
    }

    /** The report of every populated leaf of {@code trie}. */
    public static BalanceReport of(DocIdTrie trie, IdVocabulary vocabulary) {
        return of(trie.leafSizes(), vocabulary);
    }

    /**
     * The report of an assignment given as leaf → number of documents, computed from scratch. Leaves of size 0 are
     * ignored; a leaf longer than the vocabulary's maxLength is an error.
     */
    public static BalanceReport of(Map<SemanticId, Integer> leafSizes, IdVocabulary vocabulary) {
        long documents = 0;
        for (Map.Entry<SemanticId, Integer> leaf : leafSizes.entrySet()) {
            if (leaf.getValue() < 0) {
                throw new IllegalArgumentException("leaf " + leaf.getKey() + " has a negative size " + leaf.getValue());
            }
            documents += leaf.getValue();
        }
        SortedMap<Integer, Long> histogram = new TreeMap<>();
        @SuppressWarnings("unchecked")
        Set<Integer>[] codesSeen = new Set[vocabulary.maxLength()];
        for (int p = 0; p < codesSeen.length; p++) {
            codesSeen[p] = new HashSet<>();
        }
        double entropy = 0.0;
        for (Map.Entry<SemanticId, Integer> leaf : leafSizes.entrySet()) {
            int size = leaf.getValue();
            if (size == 0) {
                continue;
            }
            SemanticId id = leaf.getKey();
            if (id.length() > vocabulary.maxLength()) {
                throw new IllegalArgumentException("leaf " + id + " is longer than maxLength " + vocabulary.maxLength());
            }
            histogram.merge(size, 1L, Long::sum);
            for (int p = 0; p < id.length(); p++) {
                codesSeen[p].add(id.code(p));
            }
            double share = (double) size / documents;
            entropy -= share * Math.log(share);
        }
        int[] codesUsed = new int[codesSeen.length];
        for (int p = 0; p < codesUsed.length; p++) {
            codesUsed[p] = codesSeen[p].size();
        }
        return fromHistogram(vocabulary, documents, histogram, entropy, codesUsed);
    }

    /**
     * The report from summary statistics: {@code histogram} maps a leaf size to the number of used leaves of that
     * size; {@code entropy} is {@code H} in nats. Shared by the from-scratch and the incremental path.
     */
    static BalanceReport fromHistogram(IdVocabulary vocabulary, long documents, SortedMap<Integer, Long> histogram,
                                       double entropy, int[] codesUsedPerPosition) {
        long usedLeaves = 0;
        long singletons = histogram.getOrDefault(1, 0L);
        for (long leaves : histogram.values()) {
            usedLeaves += leaves;
        }
        long maxLeaf = histogram.isEmpty() ? 0 : histogram.lastKey();

        // Nearest-rank p99 and Gini over leaves sorted by size ascending: Gini = Σ_i (2i − U − 1) x_(i) / (U · N),
        // where a run of c leaves of size s at ranks r+1..r+c adds s · c · (2r + c − U).
        long p99Rank = (99 * usedLeaves + 99) / 100;
        long p99Leaf = 0;
        long rank = 0;
        double giniNumerator = 0.0;
        for (Map.Entry<Integer, Long> run : histogram.entrySet()) {
            long size = run.getKey();
            long count = run.getValue();
            giniNumerator += (double) size * count * (2.0 * rank + count - usedLeaves);
            rank += count;
            if (p99Leaf == 0 && rank >= p99Rank) {
                p99Leaf = size;
            }
        }
        double gini = usedLeaves == 0 ? 0.0 : giniNumerator / ((double) usedLeaves * documents);

        double capacity = Math.pow(vocabulary.codesPerPosition(), vocabulary.maxLength());
        double bestEntropy = Math.log(Math.min((double) documents, capacity));
        double normalizedEntropy;
        if (documents == 0) {
            normalizedEntropy = 0.0;
        } else if (bestEntropy <= 0.0) {
            normalizedEntropy = 1.0;
        } else {
            normalizedEntropy = entropy / bestEntropy;
        }
        double collisionRate = documents == 0 ? 0.0 : (double) (documents - singletons) / documents;
        return new BalanceReport(documents, usedLeaves, codesUsedPerPosition.clone(), entropy, normalizedEntropy,
                maxLeaf, p99Leaf, collisionRate, gini);
    }

    public long documents() {
        return documents;
    }

    public long usedLeaves() {
        return usedLeaves;
    }

    /** Distinct codes at each position over used leaves; one entry per position of the vocabulary. */
    public int[] codesUsedPerPosition() {
        return codesUsedPerPosition.clone();
    }

    /** {@code H = -Σ p log p} over used leaves, in nats. */
    public double entropy() {
        return entropy;
    }

    public double normalizedEntropy() {
        return normalizedEntropy;
    }

    public double perplexity() {
        return Math.exp(entropy);
    }

    public long maxLeaf() {
        return maxLeaf;
    }

    public long p99Leaf() {
        return p99Leaf;
    }

    public double meanLeaf() {
        return usedLeaves == 0 ? 0.0 : (double) documents / usedLeaves;
    }

    public double collisionRate() {
        return collisionRate;
    }

    public double gini() {
        return gini;
    }

    /**
     * The report as gauge name → value, in a fixed order: documents, used_leaves, normalized_entropy, perplexity,
     * max_leaf, p99_leaf, mean_leaf, collision_rate, gini, codes_used.p0, codes_used.p1, …
     */
    public Map<String, Number> toMap() {
        Map<String, Number> values = new LinkedHashMap<>();
        values.put("documents", documents);
        values.put("used_leaves", usedLeaves);
        values.put("normalized_entropy", normalizedEntropy);
        values.put("perplexity", perplexity());
        values.put("max_leaf", maxLeaf);
        values.put("p99_leaf", p99Leaf);
        values.put("mean_leaf", meanLeaf());
        values.put("collision_rate", collisionRate);
        values.put("gini", gini);
        for (int p = 0; p < codesUsedPerPosition.length; p++) {
            values.put("codes_used.p" + p, codesUsedPerPosition[p]);
        }
        return Collections.unmodifiableMap(values);
    }

    @Override
    public String toString() {
        return "BalanceReport" + toMap();
    }
}
