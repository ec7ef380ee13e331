package io.dsistream.models.eval;

import io.dsistream.models.encoder.SentenceEmbedder;

import java.util.ArrayList;
import java.util.List;

/**
 * Exhaustive dense retrieval: cosine similarity of the query to every document (the dot product of
 * L2-normalised vectors), top k kept with a bounded heap. The reference point a generative index is
 * measured against: same encoder, every document scored ({@code docsScored} = corpus size).
 *
 * <p>Queries are encoded in batches; within a batch the corpus is read once, each document row scored
 * against every query of the batch while it is in cache. Thread-safe when the embedder is.
 */
public final class DenseRetriever implements Retriever {

    public static final int DEFAULT_BATCH_SIZE = 32;

    private final SentenceEmbedder embedder;
    private final CorpusVectors corpus;
    private final int queryBatchSize;

    /** Searches {@code corpus} (unit-length rows, e.g. from {@link #encodeCorpus}) with queries from {@code embedder}. */
    public DenseRetriever(SentenceEmbedder embedder, CorpusVectors corpus) {
        this(embedder, corpus, DEFAULT_BATCH_SIZE);
    }

    public DenseRetriever(SentenceEmbedder embedder, CorpusVectors corpus, int queryBatchSize) {
        if (embedder.dimension() != corpus.dimension()) {
            throw new IllegalArgumentException("embedder dimension " + embedder.dimension()
                    + " differs from corpus vector dimension " + corpus.dimension());
        }
        if (queryBatchSize < 1) {
            throw new IllegalArgumentException("queryBatchSize must be >= 1, got " + queryBatchSize);
        }
        this.embedder = embedder;
        this.corpus = corpus;
        this.queryBatchSize = queryBatchSize;
    }

    /**
     * Encodes every document's {@link BeirDocument#flatText()} in batches of {@code batchSize}, reporting
     * progress, into unit-length rows.
     */
    public static CorpusVectors encodeCorpus(SentenceEmbedder embedder, List<BeirDocument> documents, int batchSize,
                                             ProgressReporter progress) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        int dimension = embedder.dimension();
        float[] vectors = new float[Math.multiplyExact(documents.size(), dimension)];  // (N, H)
        List<String> docIds = new ArrayList<>(documents.size());
        for (int start = 0; start < documents.size(); start += batchSize) {
            List<BeirDocument> batch = documents.subList(start, Math.min(start + batchSize, documents.size()));
            List<String> texts = new ArrayList<>(batch.size());
            for (BeirDocument doc : batch) {
                texts.add(doc.flatText());
                docIds.add(doc.id());
            }
            float[][] embedded = embedder.embed(texts);  // (B, H)
            if (embedded.length != batch.size()) {
                throw new IllegalStateException("embedder returned " + embedded.length + " vectors for "
                        + batch.size() + " texts");
            }
            for (int b = 0; b < embedded.length; b++) {
                if (embedded[b].length != dimension) {
                    throw new IllegalStateException("embedder returned a vector of width " + embedded[b].length
                            + ", expected " + dimension);
                }
                System.arraycopy(embedded[b], 0, vectors, (start + b) * dimension, dimension);
            }
            progress.advance(batch.size());
        }
        progress.finish();
        // The embedder promises unit vectors; normalising again makes the dot product a cosine regardless.
        CorpusVectors.normalizeRows(vectors, dimension);
        return new CorpusVectors(docIds, dimension, vectors);
    }

    /** The corpus vectors searched. */
    public CorpusVectors corpus() {
        return corpus;
    }

    @Override
    public Ranking search(String queryText, int k) {
        return searchAll(List.of(queryText), k).get(0);
    }

    @Override
    public List<Ranking> searchAll(List<String> queryTexts, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        List<Ranking> rankings = new ArrayList<>(queryTexts.size());
        for (int start = 0; start < queryTexts.size(); start += queryBatchSize) {
            List<String> batch = queryTexts.subList(start, Math.min(start + queryBatchSize, queryTexts.size()));
            float[][] queries = embedder.embedQueries(batch);  // (B, H)
            for (float[] query : queries) {
                CorpusVectors.normalizeRows(query, corpus.dimension());
            }
            rankings.addAll(scoreBatch(queries, k));
        }
        return rankings;
    }

    /** Top k of the corpus for each of the {@code (B, H)} unit-length {@code queries}. */
    List<Ranking> scoreBatch(float[][] queries, int k) {
        int n = corpus.size();
        int h = corpus.dimension();
        float[] vectors = corpus.vectors();
        List<String> ids = corpus.docIds();
        TopKHeap[] heaps = new TopKHeap[queries.length];
        for (int q = 0; q < queries.length; q++) {
            heaps[q] = new TopKHeap(Math.min(k, n), ids);
        }
        for (int doc = 0, offset = 0; doc < n; doc++, offset += h) {
            for (int q = 0; q < queries.length; q++) {
                float[] query = queries[q];
                float dot = 0f;
                for (int j = 0; j < h; j++) {
                    dot += query[j] * vectors[offset + j];
                }
                heaps[q].offer(doc, dot);
            }
        }
        List<Ranking> rankings = new ArrayList<>(queries.length);
        for (TopKHeap heap : heaps) {
            rankings.add(new Ranking(heap.toSortedDocs(), n));
        }
        return rankings;
    }
}
