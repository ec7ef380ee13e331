package io.dsistream.models.ids;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Assigns IDs from per-position code log-probabilities {@code log p(c_i | d)} with at most {@code capacity}
 * documents per leaf: documents are placed most confident first, each in its most probable leaf
 * {@code argmax Σ_i log p(c_i | d)} that still has room. With an unbounded capacity this is the plain argmax per
 * position.
 *
 * <p>Why: ASI++'s L_di (eq. 5) only evens out the codes of each position within a batch; with independent
 * per-position heads (the MLP quantizer) the joint leaves can still pile up (SciFact: 768 of 4,096 leaves used,
 * largest 137 documents), and a retrieval budget of a few hundred documents is then spent on a few large, mixed
 * leaves. Bounding leaf sizes at assignment time moves a document to the next most probable leaf under the same
 * scores queries are ranked by, so a query that would have found its leaf may find a neighbour instead. It is the
 * capacity-constrained counterpart of the balanced (Sinkhorn) assignment that ASI++'s RQ/PQ variants use while
 * training, applied once to the corpus. Measured on SciFact it balances the ID space but costs retrieval quality
 * (README, "ASI++ ablation"), so training leaves it off by default ({@code TrainingOptions.DEFAULT_LEAF_CAPACITY}).
 *
 * <p>Leaves are enumerated best first per document (k-best sums over L sorted code lists), so a document looks
 * at only as many leaves as it needs. Deterministic: ties break by document index.
 */
public final class CapacityBoundedAssignment {

    private final int positions;
    private final int codes;
    private final int capacity;

    /**
     * @param positions L, codes per ID
     * @param codes     V, codes per position
     * @param capacity  most documents per leaf, at least 1
     */
    public CapacityBoundedAssignment(int positions, int codes, int capacity) {
        if (positions < 1) {
            throw new IllegalArgumentException("positions must be at least 1, got " + positions);
        }
        if (codes < 1) {
            throw new IllegalArgumentException("codes must be at least 1, got " + codes);
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        if (positions * Math.log(codes) >= Math.log(Long.MAX_VALUE)) {
            throw new IllegalArgumentException("an ID space of " + codes + "^" + positions + " leaves is too large");
        }
        this.positions = positions;
        this.codes = codes;
        this.capacity = capacity;
    }

    public int capacity() {
        return capacity;
    }

    /**
     * @param logProbabilities {@code [N][L * V]}, position-major: row d's {@code [p * V + c]} is
     *                         {@code log p(c_p = c | d)}
     * @return {@code [N][L]} codes, no leaf holding more than {@code capacity} documents
     * @throws IllegalArgumentException when a row has the wrong width or N exceeds {@code capacity · V^L}
     */
    public int[][] assign(float[][] logProbabilities) {
        int n = logProbabilities.length;
        double leaves = Math.pow(codes, positions);
        if (n > leaves * capacity) {
            throw new IllegalArgumentException(n + " documents do not fit " + (long) leaves + " leaves of capacity "
                    + capacity);
        }
        int[][] order = new int[n][];
        double[] best = new double[n];
        for (int d = 0; d < n; d++) {
            if (logProbabilities[d].length != positions * codes) {
                throw new IllegalArgumentException("log-probabilities of document " + d + " have "
                        + logProbabilities[d].length + " values, expected L * V = " + positions * codes);
            }
            order[d] = rankedCodes(logProbabilities[d]);
            double sum = 0;
            for (int p = 0; p < positions; p++) {
                sum += logProbabilities[d][p * codes + order[d][p * codes]];
            }
            best[d] = sum;
        }
        Integer[] documents = new Integer[n];
        for (int d = 0; d < n; d++) {
            documents[d] = d;
        }
        // the most confident documents keep their argmax leaf; the doubtful ones move
        Arrays.sort(documents, (a, b) -> best[a] != best[b] ? Double.compare(best[b], best[a]) : Integer.compare(a, b));
        Map<Long, Integer> occupancy = new HashMap<>();
        int[][] ids = new int[n][];
        for (int d : documents) {
            ids[d] = place(logProbabilities[d], order[d], occupancy);
        }
        return ids;
    }

    /** Per position the codes by decreasing log-probability, {@code [L * V]}. */
    private int[] rankedCodes(float[] row) {
        int[] ranked = new int[positions * codes];
        for (int p = 0; p < positions; p++) {
            Integer[] byScore = new Integer[codes];
            for (int c = 0; c < codes; c++) {
                byScore[c] = c;
            }
            int offset = p * codes;
            Arrays.sort(byScore, (a, b) -> row[offset + a] != row[offset + b]
                    ? Float.compare(row[offset + b], row[offset + a]) : Integer.compare(a, b));
            for (int c = 0; c < codes; c++) {
                ranked[offset + c] = byScore[c];
            }
        }
        return ranked;
    }

    /**
     * The most probable leaf with room, by best-first search over rank vectors {@code r} (leaf = the r_p-th best
     * code at each position p). A vector's children raise one rank at or after the last raised position, so each
     * vector is generated once, and a child never scores above its parent.
     */
    private int[] place(float[] row, int[] ranked, Map<Long, Integer> occupancy) {
        PriorityQueue<Candidate> frontier = new PriorityQueue<>();
        frontier.add(new Candidate(new int[positions], 0, score(row, ranked, new int[positions])));
        while (!frontier.isEmpty()) {
            Candidate candidate = frontier.poll();
            int[] id = new int[positions];
            long key = 0;
            for (int p = 0; p < positions; p++) {
                id[p] = ranked[p * codes + candidate.ranks[p]];
                key = key * codes + id[p];
            }
            int held = occupancy.getOrDefault(key, 0);
            if (held < capacity) {
                occupancy.put(key, held + 1);
                return id;
            }
            for (int p = candidate.lastRaised; p < positions; p++) {
                if (candidate.ranks[p] + 1 < codes) {
                    int[] child = candidate.ranks.clone();
                    child[p]++;
                    frontier.add(new Candidate(child, p, score(row, ranked, child)));
                }
            }
        }
        throw new IllegalStateException("no leaf with room although the capacity suffices");
    }

    private double score(float[] row, int[] ranked, int[] ranks) {
        double sum = 0;
        for (int p = 0; p < positions; p++) {
            sum += row[p * codes + ranked[p * codes + ranks[p]]];
        }
        return sum;
    }

    /** A leaf as ranks into each position's sorted codes; ordered best score first. */
    private record Candidate(int[] ranks, int lastRaised, double score) implements Comparable<Candidate> {
        @Override
        public int compareTo(Candidate other) {
            return Double.compare(other.score, score);
        }
    }
}
