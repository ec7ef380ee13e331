package io.dsistream.models.augment;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import opennlp.tools.postag.POSTagFormat;
import opennlp.tools.postag.POSTaggerME;
import opennlp.tools.sentdetect.SentenceDetectorME;
import opennlp.tools.tokenize.TokenizerME;
import opennlp.tools.util.Span;

/**
 * POS-guided masking for POS-MLM (DSI + PEFT report §2.3.2): in a chosen share of passages (the report: 10%),
 * every token whose Universal Dependencies POS tag is in a chosen set (the report: verbs) is replaced by the
 * tokenizer's mask token, so that the model learns to reconstruct them from context.
 *
 * <p>Whether a passage is masked is decided by a draw seeded with the passage id and the seed, so the same
 * passage is masked the same way in every run and on every task manager, whatever the order of arrival.
 *
 * <p>Text outside the masked tokens is returned unchanged (same whitespace, punctuation and casing): tokens are
 * located by their character spans in the original text. Tagging uses OpenNLP's UD English EWT models
 * ({@link UdEnglishModels}); UD tags "is", "has" and "will" as AUX, not VERB.
 *
 * <p>Not thread-safe (OpenNLP's taggers are not): use one instance per thread, sharing one {@link
 * UdEnglishModels}.
 */
public final class PosGuidedMasker {

    /** The 17 universal POS tags of Universal Dependencies v2. */
    public static final Set<String> UNIVERSAL_POS_TAGS = Set.of(
            "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN", "PUNCT",
            "SCONJ", "SYM", "VERB", "X");
    public static final Set<String> DEFAULT_TAGS = Set.of("VERB");
    public static final double DEFAULT_SHARE = 0.10;

    private final SentenceDetectorME sentenceDetector;
    private final TokenizerME tokenizer;
    private final POSTaggerME tagger;
    private final Set<String> maskedTags;
    private final String maskToken;
    private final double maskShare;
    private final long seed;

    /**
     * @param models     the UD English models (shareable between threads)
     * @param maskedTags UD tags whose tokens are masked, e.g. {@code {"VERB"}}; case-insensitive
     * @param maskToken  the encoder tokenizer's mask token, e.g. "[MASK]" for BERT or "&lt;mask&gt;" for RoBERTa
     * @param maskShare  share of passages that are masked, in [0, 1]
     * @param seed       seed of the per-passage draw
     */
    public PosGuidedMasker(UdEnglishModels models, Set<String> maskedTags, String maskToken, double maskShare,
            long seed) {
        this.maskedTags = normalizedTags(maskedTags);
        if (maskToken == null || maskToken.isBlank()) {
            throw new IllegalArgumentException("maskToken must not be blank, got '" + maskToken + "'");
        }
        if (!(maskShare >= 0 && maskShare <= 1)) {
            throw new IllegalArgumentException("maskShare must be in [0, 1], got " + maskShare);
        }
        this.maskToken = maskToken;
        this.maskShare = maskShare;
        this.seed = seed;
        this.sentenceDetector = new SentenceDetectorME(models.sentences());
        this.tokenizer = new TokenizerME(models.tokens());
        this.tagger = new POSTaggerME(models.pos(), POSTagFormat.UD);
    }

    /** Verbs masked in 10% of passages, with the models loaded from the classpath. */
    public static PosGuidedMasker verbs(String maskToken, long seed) {
        return new PosGuidedMasker(UdEnglishModels.fromClasspath(), DEFAULT_TAGS, maskToken, DEFAULT_SHARE, seed);
    }

    /** Whether the passage {@code passageId} is one of the {@code maskShare} that get masked under this seed. */
    public boolean selects(String passageId) {
        return unitDraw(passageId, seed) < maskShare;
    }

    /** {@code text} with its tagged tokens masked if {@link #selects} the passage, else {@code text} itself. */
    public String apply(String passageId, String text) {
        return selects(passageId) ? mask(text) : text;
    }

    /** {@code text} with every token whose UD tag is in the masked set replaced by the mask token. */
    public String mask(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        for (Span sentence : sentenceDetector.sentPosDetect(text)) {
            String sentenceText = text.substring(sentence.getStart(), sentence.getEnd());
            Span[] tokenSpans = splitFinalPeriod(tokenizer.tokenizePos(sentenceText), sentenceText);
            String[] tokens = Span.spansToStrings(tokenSpans, sentenceText);
            String[] tags = tagger.tag(tokens);
            for (int i = 0; i < tokens.length; i++) {
                if (maskedTags.contains(tags[i])) {
                    int start = sentence.getStart() + tokenSpans[i].getStart();
                    int end = sentence.getStart() + tokenSpans[i].getEnd();
                    out.append(text, copied, start).append(maskToken);
                    copied = end;
                }
            }
        }
        out.append(text, copied, text.length());
        return out.toString();
    }

    /** The UD tags of {@code text}'s tokens, as {@code token/TAG} separated by spaces (for inspection and tests). */
    public String tagged(String text) {
        StringBuilder out = new StringBuilder();
        for (String sentence : sentenceDetector.sentDetect(text)) {
            String[] tokens = Span.spansToStrings(splitFinalPeriod(tokenizer.tokenizePos(sentence), sentence), sentence);
            String[] tags = tagger.tag(tokens);
            for (int i = 0; i < tokens.length; i++) {
                if (out.length() > 0) {
                    out.append(' ');
                }
                out.append(tokens[i]).append('/').append(tags[i]);
            }
        }
        return out.toString();
    }

    public Set<String> maskedTags() {
        return maskedTags;
    }

    public String maskToken() {
        return maskToken;
    }

    public double maskShare() {
        return maskShare;
    }

    /**
     * The UD EWT tokenizer sometimes leaves a sentence's final stop on its last word ("then slept." is one token,
     * which the tagger then calls PUNCT); split it off when the word has no other dot, so that abbreviations such
     * as "U.S." stay whole.
     */
    private static Span[] splitFinalPeriod(Span[] spans, String sentence) {
        if (spans.length == 0) {
            return spans;
        }
        Span last = spans[spans.length - 1];
        String token = sentence.substring(last.getStart(), last.getEnd());
        int n = token.length();
        if (n < 2 || ".!?".indexOf(token.charAt(n - 1)) < 0 || token.substring(0, n - 1).indexOf('.') >= 0
                || !Character.isLetterOrDigit(token.charAt(n - 2))) {
            return spans;
        }
        Span[] split = Arrays.copyOf(spans, spans.length + 1);
        split[spans.length - 1] = new Span(last.getStart(), last.getEnd() - 1);
        split[spans.length] = new Span(last.getEnd() - 1, last.getEnd());
        return split;
    }

    /**
     * A uniform draw in [0, 1) fixed by the passage id and the seed. FNV-1a over the id's UTF-8 bytes gives 64 bits
     * (String.hashCode has 32 and sequential ids like "doc-1", "doc-2" differ in few of them); the SplitMix64
     * finalizer spreads id and seed over all bits before the top 53 become the double.
     */
    static double unitDraw(String passageId, long seed) {
        long h = 0xcbf29ce484222325L;
        for (byte b : passageId.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        long z = h ^ (seed * 0x9e3779b97f4a7c15L);
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }

    static Set<String> normalizedTags(Set<String> tags) {
        if (tags == null || tags.isEmpty()) {
            throw new IllegalArgumentException("posTags must name at least one UD tag, e.g. VERB");
        }
        Set<String> normalized = tags.stream()
                .map(t -> t.strip().toUpperCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        Set<String> unknown = new TreeSet<>(normalized);
        unknown.removeAll(UNIVERSAL_POS_TAGS);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("posTags " + unknown + " are not Universal Dependencies POS tags; "
                    + "known tags: " + new TreeSet<>(UNIVERSAL_POS_TAGS));
        }
        return normalized;
    }
}
