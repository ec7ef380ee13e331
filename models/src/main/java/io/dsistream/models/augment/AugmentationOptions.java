package io.dsistream.models.augment;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which text augmentations of the DSI + PEFT report (§2.3) are applied, and how. Immutable; parsed once from the
 * command line with {@link #parse} and logged with {@link #toString}.
 *
 * @param num2word          rewrite standalone numbers as words ({@link NumberToWords})
 * @param stopWords         drop stop words ({@link StopWordRemover})
 * @param stopWordList      which English list {@code stopWords} uses: Lucene's 33 words (default, as the BM25
 *                          baseline) or NLTK's 179 (as the report)
 * @param removePunctuation drop punctuation and symbol tokens
 * @param posMasking        mask the tokens tagged {@code posTags} in a {@code maskShare} of passages
 *                          ({@link PosGuidedMasker}, POS-MLM)
 * @param posTags           Universal Dependencies tags to mask; default {@code VERB} (the report)
 * @param maskShare         share of passages that get POS masking, in [0, 1]; default 0.1 (the report)
 * @param seed              seed of the per-passage masking draw
 */
public record AugmentationOptions(
        boolean num2word,
        boolean stopWords,
        EnglishStopWords stopWordList,
        boolean removePunctuation,
        boolean posMasking,
        Set<String> posTags,
        double maskShare,
        long seed) {

    public static final String NUM2WORD = "num2word";
    public static final String STOPWORDS = "stopwords";
    public static final String STOPWORDS_NLTK = "stopwords-nltk";
    public static final String PUNCTUATION = "punctuation";
    public static final String POS_MASK = "pos-mask";
    /** The switch names {@link #parse} knows, in the order the augmentations are applied. */
    public static final List<String> SWITCHES = List.of(NUM2WORD, POS_MASK, STOPWORDS, STOPWORDS_NLTK, PUNCTUATION);

    /** Nothing enabled; masking parameters at the report's defaults (VERB, 10%), seed 0. */
    public static final AugmentationOptions NONE = new AugmentationOptions(false, false, EnglishStopWords.LUCENE,
            false, false, PosGuidedMasker.DEFAULT_TAGS, PosGuidedMasker.DEFAULT_SHARE, 0L);

    public AugmentationOptions {
        if (stopWordList == null) {
            throw new IllegalArgumentException("stopWordList must be set (LUCENE or NLTK)");
        }
        posTags = PosGuidedMasker.normalizedTags(posTags);
        if (!(maskShare >= 0 && maskShare <= 1)) {
            throw new IllegalArgumentException("maskShare must be in [0, 1], got " + maskShare);
        }
    }

    /**
     * Options from a comma-separated list of switches, e.g. {@code "num2word,stopwords,pos-mask"}: {@code
     * num2word}, {@code stopwords} (Lucene's list), {@code stopwords-nltk} (NLTK's list), {@code punctuation}
     * (remove it), {@code pos-mask}. Case and spaces around names are ignored; an empty list or {@code "none"}
     * enables nothing. Masking tags, share and seed stay at {@link #NONE}'s values: set them with the {@code
     * with*} methods.
     *
     * @throws IllegalArgumentException naming the unknown switch and listing the known ones, or naming both
     *                                  stop-word lists if both are given
     */
    public static AugmentationOptions parse(String switches) {
        AugmentationOptions options = NONE;
        Set<String> seen = new LinkedHashSet<>();
        String list = switches == null ? "" : switches.strip();
        if (list.isEmpty() || list.equalsIgnoreCase("none")) {
            return options;
        }
        for (String raw : list.split(",", -1)) {
            String name = raw.strip().toLowerCase(Locale.ROOT);
            switch (name) {
                case NUM2WORD:
                    options = options.with(true, options.stopWords, options.stopWordList, options.removePunctuation,
                            options.posMasking);
                    break;
                case STOPWORDS:
                case STOPWORDS_NLTK:
                    if (seen.contains(name.equals(STOPWORDS) ? STOPWORDS_NLTK : STOPWORDS)) {
                        throw new IllegalArgumentException("augmentation switches '" + STOPWORDS + "' and '"
                                + STOPWORDS_NLTK + "' exclude each other, got '" + switches + "'");
                    }
                    options = options.with(options.num2word, true,
                            name.equals(STOPWORDS) ? EnglishStopWords.LUCENE : EnglishStopWords.NLTK,
                            options.removePunctuation, options.posMasking);
                    break;
                case PUNCTUATION:
                    options = options.with(options.num2word, options.stopWords, options.stopWordList, true,
                            options.posMasking);
                    break;
                case POS_MASK:
                    options = options.with(options.num2word, options.stopWords, options.stopWordList,
                            options.removePunctuation, true);
                    break;
                default:
                    throw new IllegalArgumentException("unknown augmentation switch '" + raw.strip() + "' in '"
                            + switches + "'; known switches: " + String.join(", ", SWITCHES));
            }
            seen.add(name);
        }
        return options;
    }

    /** The enabled switches as a comma list that {@link #parse} reads back; "none" if nothing is enabled. */
    public String switches() {
        List<String> names = new ArrayList<>();
        if (num2word) {
            names.add(NUM2WORD);
        }
        if (posMasking) {
            names.add(POS_MASK);
        }
        if (stopWords) {
            names.add(stopWordList == EnglishStopWords.NLTK ? STOPWORDS_NLTK : STOPWORDS);
        }
        if (removePunctuation) {
            names.add(PUNCTUATION);
        }
        return names.isEmpty() ? "none" : String.join(",", names);
    }

    /** Whether no augmentation is enabled, so that text passes through unchanged. */
    public boolean isIdentity() {
        return !num2word && !stopWords && !removePunctuation && !posMasking;
    }

    public AugmentationOptions withPosTags(Set<String> tags) {
        return new AugmentationOptions(num2word, stopWords, stopWordList, removePunctuation, posMasking, tags,
                maskShare, seed);
    }

    public AugmentationOptions withMaskShare(double share) {
        return new AugmentationOptions(num2word, stopWords, stopWordList, removePunctuation, posMasking, posTags,
                share, seed);
    }

    public AugmentationOptions withSeed(long newSeed) {
        return new AugmentationOptions(num2word, stopWords, stopWordList, removePunctuation, posMasking, posTags,
                maskShare, newSeed);
    }

    private AugmentationOptions with(boolean num2word, boolean stopWords, EnglishStopWords stopWordList,
            boolean removePunctuation, boolean posMasking) {
        return new AugmentationOptions(num2word, stopWords, stopWordList, removePunctuation, posMasking, posTags,
                maskShare, seed);
    }
}
