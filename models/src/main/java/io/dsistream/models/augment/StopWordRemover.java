package io.dsistream.models.augment;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Stop-word and punctuation removal (DSI + PEFT report §2.3.1): tokens compared case-insensitively against a
 * stop-word set are dropped, and optionally every punctuation or symbol token too. Kept words keep their
 * original casing.
 *
 * <p>Tokens: a <em>word</em> is a run of letters, combining marks and digits, which may go on across an
 * apostrophe or hyphen followed by more letters or digits ("don't", "IL-6", "COVID-19") and, after a digit,
 * across a dot or comma followed by digits ("3.5", "1,000"). Every other non-space character is a
 * <em>punctuation</em> token of its own (Python's {@code string.punctuation} and any Unicode punctuation or
 * symbol). Words are looked up lower-cased, with the typographic apostrophe ’ read as '. <em>Protected</em>
 * strings (a mask token such as "[MASK]") are single tokens that are never removed.
 *
 * <p>Spacing: where tokens are removed, the whitespace that stood before the first removed token stands before
 * the next kept one, so "(the cat)" becomes "(cat)" and "cat, the dog" becomes "cat, dog"; two kept words that
 * would touch after a removal ("cat—dog" without the dash) get one space between them. Whitespace after the last
 * token is kept.
 *
 * <p>Immutable and thread-safe.
 */
public final class StopWordRemover {

    private static final String WORD = "[\\p{L}\\p{M}\\p{N}]+(?:['’\\-][\\p{L}\\p{M}\\p{N}]+|(?<=\\p{N})[.,]\\p{N}+)*";

    private final Set<String> stopWords;
    private final boolean removePunctuation;
    private final boolean hasProtectedTokens;
    private final Pattern token;

    /**
     * @param stopWords         words to drop, matched case-insensitively (may be empty to remove only punctuation)
     * @param removePunctuation whether to drop punctuation and symbol tokens as well
     * @param protectedTokens   exact strings that are always kept as one token, e.g. the mask token
     */
    public StopWordRemover(Collection<String> stopWords, boolean removePunctuation,
            Collection<String> protectedTokens) {
        this.stopWords = stopWords.stream()
                .map(StopWordRemover::lookupForm)
                .collect(Collectors.toUnmodifiableSet());
        this.removePunctuation = removePunctuation;
        String protectedAlternatives = protectedTokens.stream()
                .peek(t -> {
                    if (t.isBlank()) {
                        throw new IllegalArgumentException("protected tokens must not be blank, got '" + t + "'");
                    }
                })
                // Longest first, so that "[MASK]" wins over a shorter protected prefix.
                .sorted(Comparator.comparingInt(String::length).reversed())
                .map(Pattern::quote)
                .collect(Collectors.joining("|"));
        this.hasProtectedTokens = !protectedAlternatives.isEmpty();
        this.token = Pattern.compile("(\\s*)(?:"
                + (hasProtectedTokens ? "(?<protected>" + protectedAlternatives + ")|" : "")
                + "(?<word>" + WORD + ")|(?<punct>\\S))");
    }

    /** Lucene's English stop words ({@link EnglishStopWords#LUCENE}), no protected tokens. */
    public static StopWordRemover english(boolean removePunctuation) {
        return new StopWordRemover(EnglishStopWords.LUCENE.words(), removePunctuation, Set.of());
    }

    /** Whether {@code word} is one of this remover's stop words (case-insensitive). */
    public boolean isStopWord(String word) {
        return stopWords.contains(lookupForm(word));
    }

    /** {@code text} without its stop words (and punctuation, if so configured). */
    public String apply(String text) {
        Matcher m = token.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        String pendingSpace = null;
        boolean lastKeptIsWord = false;
        int end = 0;
        while (m.find()) {
            end = m.end();
            String space = m.group(1);
            boolean isProtected = hasProtectedTokens && m.group("protected") != null;
            boolean isWord = m.group("word") != null;
            boolean remove = !isProtected
                    && (isWord ? stopWords.contains(lookupForm(m.group("word"))) : removePunctuation);
            if (remove) {
                if (pendingSpace == null) {
                    pendingSpace = space;
                }
                continue;
            }
            String before = pendingSpace != null ? pendingSpace : space;
            boolean wordLike = isWord || isProtected;
            if (before.isEmpty() && pendingSpace != null && lastKeptIsWord && wordLike) {
                before = " ";
            }
            out.append(before).append(text, m.end(1), m.end());
            pendingSpace = null;
            lastKeptIsWord = wordLike;
        }
        out.append(text, end, text.length());
        return out.toString();
    }

    private static String lookupForm(String word) {
        return word.replace('’', '\'').toLowerCase(Locale.ROOT);
    }
}
