package io.dsistream.models.augment;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * English stop-word lists, lower case, read from this package's resources ({@code #} starts a comment line).
 *
 * <p>{@link #LUCENE} is Lucene's {@code EnglishAnalyzer.ENGLISH_STOP_WORDS_SET} (33 words), the list the BM25
 * baseline uses. It is copied rather than read from {@code lucene-analysis-common} because Lucene 10's class
 * files need Java 21 and this project runs on Java 17. {@link #NLTK} is NLTK's English list (179 words, with
 * contractions such as "don't" and their fragments "don", "t"), the list the DSI + PEFT report used (§2.3.1).
 */
public enum EnglishStopWords {
    LUCENE("lucene-english-stopwords.txt", 33),
    NLTK("nltk-english-stopwords.txt", 179);

    private final Set<String> words;

    EnglishStopWords(String resource, int expectedSize) {
        this.words = Set.copyOf(read(resource));
        if (words.size() != expectedSize) {
            throw new IllegalStateException("stop-word resource " + resource + " has " + words.size()
                    + " words, expected " + expectedSize);
        }
    }

    /** The lower-case words of this list; immutable. */
    public Set<String> words() {
        return words;
    }

    private static Set<String> read(String resource) {
        Set<String> words = new LinkedHashSet<>();
        try (InputStream in = EnglishStopWords.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("stop-word resource " + resource + " is missing from package "
                        + EnglishStopWords.class.getPackageName());
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                String word = line.strip();
                if (!word.isEmpty() && !word.startsWith("#")) {
                    words.add(word.toLowerCase(Locale.ROOT));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read stop-word resource " + resource, e);
        }
        return words;
    }
}
