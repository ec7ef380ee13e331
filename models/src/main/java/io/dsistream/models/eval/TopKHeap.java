package io.dsistream.models.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * The best k of a stream of (document index, score) pairs: a binary min-heap whose root is the worst kept
 * document. "Better" is {@link RetrievalMetrics#TREC_EVAL_ORDER} (higher score, then larger id), so that which
 * of several tied documents survive the cut is the same choice trec_eval would make when ranking them.
 */
final class TopKHeap {

    private final int capacity;
    private final List<String> docIds;
    private final int[] docs;
    private final float[] scores;
    private int size;

    TopKHeap(int capacity, List<String> docIds) {
        this.capacity = capacity;
        this.docIds = docIds;
        this.docs = new int[capacity];
        this.scores = new float[capacity];
    }

    void offer(int doc, float score) {
        if (capacity == 0) {
            return;
        }
        if (size < capacity) {
            docs[size] = doc;
            scores[size] = score;
            siftUp(size++);
        } else if (isWorse(docs[0], scores[0], doc, score)) {
            docs[0] = doc;
            scores[0] = score;
            siftDown(0);
        }
    }

    /** The kept documents, best first. */
    List<ScoredDoc> toSortedDocs() {
        List<ScoredDoc> result = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            result.add(new ScoredDoc(docIds.get(docs[i]), scores[i]));
        }
        result.sort(RetrievalMetrics.TREC_EVAL_ORDER);
        return result;
    }

    /** Whether (docA, scoreA) ranks below (docB, scoreB). */
    private boolean isWorse(int docA, float scoreA, int docB, float scoreB) {
        if (scoreA != scoreB) {
            return scoreA < scoreB;
        }
        return RetrievalMetrics.compareCodePoints(docIds.get(docA), docIds.get(docB)) < 0;
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!isWorse(docs[i], scores[i], docs[parent], scores[parent])) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int worst = left;
            int right = left + 1;
            if (right < size && isWorse(docs[right], scores[right], docs[left], scores[left])) {
                worst = right;
            }
            if (!isWorse(docs[worst], scores[worst], docs[i], scores[i])) {
                return;
            }
            swap(i, worst);
            i = worst;
        }
    }

    private void swap(int a, int b) {
        int d = docs[a];
        docs[a] = docs[b];
        docs[b] = d;
        float s = scores[a];
        scores[a] = scores[b];
        scores[b] = s;
    }
}
