package io.dsistream.models.ids;

import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A {@link BalanceReport} kept up to date as documents join and leave leaves, in O(L) per change (L = maxLength),
 * without holding the leaves themselves: the caller (the trie, or a keyed operator over it) says how large the leaf
 * is after each change.
 *
 * <p>State: the number of documents; the histogram of leaf sizes (size → number of used leaves of that size), from
 * which max, p99 and Gini are read in O(distinct sizes); the running sum {@code S = Σ_leaf n log n}, which gives
 * the entropy in O(1) as {@code H = log N − S / N}; and, per position, how many used leaves carry each code, from
 * which codes used per position follow. {@link #leafSizeHistogram()} and {@link #leavesPerCode()} export the state
 * as plain maps and arrays; {@link #rebuild} restores it (and recomputes {@code S} exactly, dropping rounding
 * drift).
 *
 * <p>Not thread-safe.
 */
public final class IncrementalBalance {

    private final IdVocabulary vocabulary;
    private final Map<Integer, Long> leafSizeHistogram = new HashMap<>();
    /** {@code (L, V)}: used leaves with code v at position p. */
    private final int[][] leavesPerCode;
    private final int[] codesUsed;
    private long documents;
    private double sumNLogN;

    /** An empty assignment over IDs of {@code vocabulary}. */
    public IncrementalBalance(IdVocabulary vocabulary) {
        this.vocabulary = vocabulary;
        this.leavesPerCode = new int[vocabulary.maxLength()][vocabulary.codesPerPosition()];
        this.codesUsed = new int[vocabulary.maxLength()];
    }

    /** A document joined {@code leaf}, which now holds {@code leafSizeAfter} documents (at least 1). */
    public void documentAdded(SemanticId leaf, int leafSizeAfter) {
        requireLeaf(leaf);
        if (leafSizeAfter < 1) {
            throw new IllegalArgumentException("leaf " + leaf + " after an add must hold at least 1 document, got "
                    + leafSizeAfter);
        }
        int before = leafSizeAfter - 1;
        if (before == 0) {
            countCodes(leaf, +1);
        } else {
            decrementHistogram(before, leaf);
        }
        leafSizeHistogram.merge(leafSizeAfter, 1L, Long::sum);
        sumNLogN += nLogN(leafSizeAfter) - nLogN(before);
        documents++;
    }

    /** A document left {@code leaf}, which now holds {@code leafSizeAfter} documents (0 when it emptied). */
    public void documentRemoved(SemanticId leaf, int leafSizeAfter) {
        requireLeaf(leaf);
        if (leafSizeAfter < 0) {
            throw new IllegalArgumentException("leaf " + leaf + " cannot hold " + leafSizeAfter + " documents");
        }
        int before = leafSizeAfter + 1;
        decrementHistogram(before, leaf);
        if (leafSizeAfter == 0) {
            countCodes(leaf, -1);
        } else {
            leafSizeHistogram.merge(leafSizeAfter, 1L, Long::sum);
        }
        sumNLogN += nLogN(leafSizeAfter) - nLogN(before);
        documents--;
    }

    /** The current report. */
    public BalanceReport report() {
        double entropy = documents == 0 ? 0.0 : Math.max(0.0, Math.log(documents) - sumNLogN / documents);
        return BalanceReport.fromHistogram(vocabulary, documents, new TreeMap<>(leafSizeHistogram), entropy,
                codesUsed);
    }

    public IdVocabulary vocabulary() {
        return vocabulary;
    }

    public long documents() {
        return documents;
    }

    /** A copy of the histogram: leaf size → number of used leaves of that size, sizes ascending. */
    public SortedMap<Integer, Long> leafSizeHistogram() {
        return new TreeMap<>(leafSizeHistogram);
    }

    /** A copy of the code counts, {@code (L, V)}: how many used leaves carry code v at position p. */
    public int[][] leavesPerCode() {
        int[][] copy = new int[leavesPerCode.length][];
        for (int p = 0; p < copy.length; p++) {
            copy[p] = leavesPerCode[p].clone();
        }
        return copy;
    }

    /** The state {@link #leafSizeHistogram()} and {@link #leavesPerCode()} exported, restored. */
    public static IncrementalBalance rebuild(IdVocabulary vocabulary, Map<Integer, Long> leafSizeHistogram,
                                             int[][] leavesPerCode) {
        IncrementalBalance balance = new IncrementalBalance(vocabulary);
        if (leavesPerCode.length != vocabulary.maxLength()) {
            throw new IllegalArgumentException("leavesPerCode has " + leavesPerCode.length + " positions, expected "
                    + vocabulary.maxLength());
        }
        long usedLeaves = 0;
        for (Map.Entry<Integer, Long> run : leafSizeHistogram.entrySet()) {
            int size = run.getKey();
            long leaves = run.getValue();
            if (size < 1 || leaves < 0) {
                throw new IllegalArgumentException("leafSizeHistogram has " + leaves + " leaves of size " + size);
            }
            if (leaves > 0) {
                balance.leafSizeHistogram.put(size, leaves);
                balance.documents += size * leaves;
                balance.sumNLogN += leaves * nLogN(size);
                usedLeaves += leaves;
            }
        }
        long leavesWithFirstCode = 0;
        for (int p = 0; p < leavesPerCode.length; p++) {
            if (leavesPerCode[p].length != vocabulary.codesPerPosition()) {
                throw new IllegalArgumentException("leavesPerCode[" + p + "] has " + leavesPerCode[p].length
                        + " codes, expected " + vocabulary.codesPerPosition());
            }
            for (int code = 0; code < leavesPerCode[p].length; code++) {
                int leaves = leavesPerCode[p][code];
                if (leaves < 0) {
                    throw new IllegalArgumentException("leavesPerCode[" + p + "][" + code + "] is negative: " + leaves);
                }
                balance.leavesPerCode[p][code] = leaves;
                if (leaves > 0) {
                    balance.codesUsed[p]++;
                }
                if (p == 0) {
                    leavesWithFirstCode += leaves;
                }
            }
        }
        // Every used leaf has a code at position 0, so both views must count the same leaves.
        if (leavesWithFirstCode != usedLeaves) {
            throw new IllegalArgumentException("leavesPerCode counts " + leavesWithFirstCode
                    + " leaves at position 0 but leafSizeHistogram counts " + usedLeaves);
        }
        return balance;
    }

    private void decrementHistogram(int size, SemanticId leaf) {
        Long leaves = leafSizeHistogram.get(size);
        if (leaves == null) {
            throw new IllegalStateException("no leaf of size " + size + " for " + leaf
                    + ": the balance is out of step with the leaves it is told about");
        }
        if (leaves == 1) {
            leafSizeHistogram.remove(size);
        } else {
            leafSizeHistogram.put(size, leaves - 1);
        }
    }

    private void countCodes(SemanticId leaf, int delta) {
        for (int p = 0; p < leaf.length(); p++) {
            int code = leaf.code(p);
            int before = leavesPerCode[p][code];
            int after = before + delta;
            if (after < 0) {
                throw new IllegalStateException("leaf " + leaf + " emptied but no used leaf has code " + code
                        + " at position " + p);
            }
            leavesPerCode[p][code] = after;
            if (before == 0) {
                codesUsed[p]++;
            } else if (after == 0) {
                codesUsed[p]--;
            }
        }
    }

    private void requireLeaf(SemanticId leaf) {
        if (leaf == null || leaf.length() == 0 || leaf.length() > vocabulary.maxLength()) {
            throw new IllegalArgumentException("leaf must have 1.." + vocabulary.maxLength() + " codes, got " + leaf);
        }
        for (int p = 0; p < leaf.length(); p++) {
            if (leaf.code(p) >= vocabulary.codesPerPosition()) {
                throw new IllegalArgumentException("code " + leaf.code(p) + " at position " + p + " of leaf " + leaf
                        + " is not below codesPerPosition " + vocabulary.codesPerPosition());
            }
        }
    }

    private static double nLogN(long n) {
        return n <= 1 ? 0.0 : n * Math.log(n);
    }
}
