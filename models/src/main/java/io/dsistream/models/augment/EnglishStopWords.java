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
import org.apache.lucene.analysis.en.EnglishAnalyzer;

/**
 * English stop-word lists, lower case.
 *
 * <p>{@link #LUCENE} is Lucene's {@code EnglishAnalyzer.ENGLISH_STOP_WORDS_SET} (33 words), the list the BM25
 * baseline uses, read from Lucene itself. {@link #NLTK} is NLTK's English list (179 words, with contractions such
 * as "don't" and their fragments "don", "t"), the list the DSI + PEFT report used (§2.3.1), read from this
 * package's resources ({@code #} starts a comment line).
 */
public enum EnglishStopWords {
    LUCENE(luceneEnglish()),
    NLTK(read("nltk-english-stopwords.txt"));

    private final Set<String> words;

    EnglishStopWords(Set<String> words) {
        this.words = Set.copyOf(words);
    }

    /** The lower-case words of this list; immutable. */
    public Set<String> words() {
        return words;
    }

    private static Set<String> luceneEnglish() {
        Set<String> words = new LinkedHashSet<>();
        for (Object word : EnglishAnalyzer.ENGLISH_STOP_WORDS_SET) {
            words.add(new String((char[]) word).toLowerCase(Locale.ROOT));
        }
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
