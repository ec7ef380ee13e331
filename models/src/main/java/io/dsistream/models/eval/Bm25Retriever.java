package io.dsistream.models.eval;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopScoreDocCollectorManager;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The BM25 baseline as Anserini runs it on BEIR ("flat" index, {@code -bm25}): title and text in one field,
 * {@link AnseriniEnglishAnalyzer}, Lucene's BM25 with k1 = 0.9 and b = 0.4 (Anserini's defaults), and a
 * bag-of-words query with one SHOULD term clause per query token, repeats kept (Anserini's
 * {@code BagOfWordsQueryGenerator}). The index lives in memory ({@link ByteBuffersDirectory}).
 *
 * <p>{@link Ranking#docsScored()} is the number of documents matching at least one query term, counted
 * exactly. Thread-safe for searching.
 */
public final class Bm25Retriever implements Retriever {

    public static final float ANSERINI_K1 = 0.9f;
    public static final float ANSERINI_B = 0.4f;
    static final String ID_FIELD = "id";
    static final String CONTENTS_FIELD = "contents";

    private final AnseriniEnglishAnalyzer analyzer = new AnseriniEnglishAnalyzer();
    private final ByteBuffersDirectory directory = new ByteBuffersDirectory();
    private final DirectoryReader reader;
    private final IndexSearcher searcher;

    /** Indexes {@code corpus} with Anserini's k1 and b. */
    public Bm25Retriever(List<BeirDocument> corpus) throws IOException {
        this(corpus, ANSERINI_K1, ANSERINI_B);
    }

    /** Indexes {@code corpus} (its {@link BeirDocument#flatText()}) with the given BM25 parameters. */
    public Bm25Retriever(List<BeirDocument> corpus, float k1, float b) throws IOException {
        BM25Similarity similarity = new BM25Similarity(k1, b);
        IndexWriterConfig config = new IndexWriterConfig(analyzer).setSimilarity(similarity);
        try (IndexWriter writer = new IndexWriter(directory, config)) {
            for (BeirDocument doc : corpus) {
                Document luceneDoc = new Document();
                luceneDoc.add(new StoredField(ID_FIELD, doc.id()));
                luceneDoc.add(new TextField(CONTENTS_FIELD, doc.flatText(), Field.Store.NO));
                writer.addDocument(luceneDoc);
            }
            // One segment, as Anserini's regression indexes are; scores do not depend on it (collection
            // statistics are index-wide) but Lucene's internal tie order does.
            writer.forceMerge(1);
        }
        reader = DirectoryReader.open(directory);
        searcher = new IndexSearcher(reader);
        searcher.setSimilarity(similarity);
    }

    /** The Lucene query Anserini would build for {@code queryText}: SHOULD clauses of its analysed terms. */
    public Query query(String queryText) {
        BooleanQuery.Builder builder = new BooleanQuery.Builder();
        for (String term : analyzer.terms(CONTENTS_FIELD, queryText)) {
            builder.add(new TermQuery(new Term(CONTENTS_FIELD, term)), BooleanClause.Occur.SHOULD);
        }
        return builder.build();
    }

    @Override
    public Ranking search(String queryText, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        Query query = query(queryText);
        try {
            // Integer.MAX_VALUE as the total-hits threshold makes Lucene count every matching document
            // instead of stopping at a lower bound: that count is docsScored.
            TopDocs top = searcher.search(query, new TopScoreDocCollectorManager(k, null, Integer.MAX_VALUE));
            StoredFields stored = searcher.storedFields();
            List<ScoredDoc> docs = new ArrayList<>(top.scoreDocs.length);
            for (ScoreDoc hit : top.scoreDocs) {
                docs.add(new ScoredDoc(stored.document(hit.doc).get(ID_FIELD), hit.score));
            }
            return new Ranking(docs, top.totalHits.value);
        } catch (IOException e) {
            throw new UncheckedIOException("BM25 search failed for query: " + queryText, e);
        }
    }

    /** Number of indexed documents. */
    public int size() {
        return reader.numDocs();
    }

    @Override
    public void close() {
        try {
            reader.close();
            directory.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing the BM25 index failed", e);
        }
    }
}
