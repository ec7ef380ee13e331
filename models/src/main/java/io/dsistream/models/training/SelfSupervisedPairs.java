package io.dsistream.models.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Query-like texts made from a document itself, for corpora without (enough) labelled queries (NAIL §4.1,
 * following Contriever and ICT): an independent crop is a random span of words; an inverse-cloze query is one
 * sentence of the document. The document side of both pairs is the whole document.
 */
public final class SelfSupervisedPairs {

    /** Shortest and longest crop in words: about the length of a search query to a short passage. */
    public static final int MIN_CROP_WORDS = 8;
    public static final int MAX_CROP_WORDS = 24;

    private SelfSupervisedPairs() {
    }

    /** A random span of {@value #MIN_CROP_WORDS}–{@value #MAX_CROP_WORDS} consecutive words; the whole text when shorter. */
    public static String independentCrop(String text, Random random) {
        String[] words = text.trim().split("\\s+");
        if (words.length <= MIN_CROP_WORDS) {
            return text.trim();
        }
        int length = MIN_CROP_WORDS + random.nextInt(Math.min(MAX_CROP_WORDS, words.length) - MIN_CROP_WORDS + 1);
        int start = random.nextInt(words.length - length + 1);
        return String.join(" ", java.util.Arrays.copyOfRange(words, start, start + length));
    }

    /**
     * One sentence of the text, chosen at random among sentences of at least 4 words (split after '.', '?' or
     * '!' followed by white space); a crop when there is no such sentence.
     */
    public static String inverseCloze(String text, Random random) {
        List<String> sentences = new ArrayList<>();
        for (String sentence : text.trim().split("(?<=[.?!])\\s+")) {
            if (sentence.split("\\s+").length >= 4) {
                sentences.add(sentence);
            }
        }
        if (sentences.size() < 2) {
            return independentCrop(text, random);
        }
        return sentences.get(random.nextInt(sentences.size()));
    }
}
