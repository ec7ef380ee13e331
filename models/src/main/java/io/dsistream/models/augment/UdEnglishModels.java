package io.dsistream.models.augment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import opennlp.tools.postag.POSModel;
import opennlp.tools.sentdetect.SentenceModel;
import opennlp.tools.tokenize.TokenizerModel;

/**
 * OpenNLP's Universal Dependencies English (EWT) models for sentence detection, tokenization and POS tagging,
 * read from the classpath: they come from the Maven jars {@code org.apache.opennlp:opennlp-models-sentdetect-en},
 * {@code -tokenizer-en} and {@code -pos-en} version 1.3.0, whose .bin files were built with OpenNLP 2.5.4. Never
 * use the {@code ("en")} constructors of the OpenNLP tools: they download models at run time.
 *
 * <p>The models are immutable and can be shared between threads; the taggers built on them cannot.
 */
public final class UdEnglishModels {

    static final String SENTENCE_RESOURCE = "/opennlp-en-ud-ewt-sentence-1.3-2.5.4.bin";
    static final String TOKENIZER_RESOURCE = "/opennlp-en-ud-ewt-tokens-1.3-2.5.4.bin";
    static final String POS_RESOURCE = "/opennlp-en-ud-ewt-pos-1.3-2.5.4.bin";

    private final SentenceModel sentences;
    private final TokenizerModel tokens;
    private final POSModel pos;

    private UdEnglishModels(SentenceModel sentences, TokenizerModel tokens, POSModel pos) {
        this.sentences = sentences;
        this.tokens = tokens;
        this.pos = pos;
    }

    /** Loads the three models from the classpath (about 1.5 MB; a fraction of a second). */
    public static UdEnglishModels fromClasspath() {
        return new UdEnglishModels(
                load(SENTENCE_RESOURCE, "opennlp-models-sentdetect-en", SentenceModel::new),
                load(TOKENIZER_RESOURCE, "opennlp-models-tokenizer-en", TokenizerModel::new),
                load(POS_RESOURCE, "opennlp-models-pos-en", POSModel::new));
    }

    public SentenceModel sentences() {
        return sentences;
    }

    public TokenizerModel tokens() {
        return tokens;
    }

    public POSModel pos() {
        return pos;
    }

    private interface ModelReader<M> {
        M read(InputStream in) throws IOException;
    }

    private static <M> M load(String resource, String artifactId, ModelReader<M> reader) {
        try (InputStream in = UdEnglishModels.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("OpenNLP model " + resource + " is not on the classpath; add "
                        + "org.apache.opennlp:" + artifactId + ":1.3.0");
            }
            return reader.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read OpenNLP model " + resource + " from " + artifactId, e);
        }
    }
}
