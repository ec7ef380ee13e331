package io.dsistream.models.eval;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The analysis chain of Anserini's {@code DefaultEnglishAnalyzer.newDefaultInstance()}, which its BM25 BEIR
 * regressions use: StandardTokenizer, then English possessive removal, lower-casing, Lucene's English stop
 * words ({@link EnglishAnalyzer#ENGLISH_STOP_WORDS_SET}) and Porter stemming, in that order. Unlike Lucene's
 * own {@link EnglishAnalyzer}, the possessive filter runs before lower-casing and there is no keyword marker,
 * which changes a few tokens; mirroring the order keeps BM25 figures comparable with Anserini's.
 */
public final class AnseriniEnglishAnalyzer extends Analyzer {

    private final CharArraySet stopWords = EnglishAnalyzer.ENGLISH_STOP_WORDS_SET;

    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
        Tokenizer source = new StandardTokenizer();
        TokenStream result = new EnglishPossessiveFilter(source);
        result = new LowerCaseFilter(result);
        result = new StopFilter(result, stopWords);
        result = new PorterStemFilter(result);
        return new TokenStreamComponents(source, result);
    }

    @Override
    protected TokenStream normalize(String fieldName, TokenStream in) {
        return new LowerCaseFilter(in);
    }

    /** The terms this analyzer makes of {@code text}, in order, repeats kept. */
    public List<String> terms(String fieldName, String text) {
        List<String> terms = new ArrayList<>();
        try (TokenStream stream = tokenStream(fieldName, text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                terms.add(term.toString());
            }
            stream.end();
        } catch (IOException e) {
            // Analysis of an in-memory string does no I/O; a failure here is a bug, not a condition.
            throw new UncheckedIOException("analysing query text failed", e);
        }
        return terms;
    }
}
