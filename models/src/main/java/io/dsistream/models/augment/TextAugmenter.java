package io.dsistream.models.augment;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Applies the augmentations enabled in {@link AugmentationOptions} to a passage, always in this order:
 *
 * <ol>
 *   <li>Num2Word ({@link NumberToWords}) first, so that numbers reach the tagger as the words the model will
 *       see ("forty two" is tagged NUM like "42") and "1st" is no longer a token for the stop-word step to split;</li>
 *   <li>POS masking ({@link PosGuidedMasker}) next, on text that still has its stop words and punctuation: the
 *       tagger was trained on whole sentences and tags telegraphic text badly;</li>
 *   <li>stop-word and punctuation removal ({@link StopWordRemover}) last, with the mask token protected so
 *       that removing punctuation does not break "[MASK]" into "MASK".</li>
 * </ol>
 *
 * <p>The report applies Num2Word and stop-word removal to every passage and POS-MLM to 10% of them (§2.3); the
 * share is drawn per passage id, so the same passage is augmented the same way in every run.
 *
 * <p>Not thread-safe when POS masking is enabled (OpenNLP's taggers are not): use one per thread, sharing one
 * {@link UdEnglishModels}.
 */
public final class TextAugmenter {

    private final AugmentationOptions options;
    private final NumberToWords numberToWords;
    private final PosGuidedMasker masker;
    private final StopWordRemover remover;

    /**
     * @param options   which augmentations to apply
     * @param maskToken the encoder tokenizer's mask token (e.g. "[MASK]"); used only when POS masking is enabled
     * @param models    the OpenNLP models, or {@code null} to load them from the classpath if POS masking needs them
     */
    public TextAugmenter(AugmentationOptions options, String maskToken, UdEnglishModels models) {
        this.options = Objects.requireNonNull(options, "options");
        this.numberToWords = options.num2word() ? new NumberToWords() : null;
        this.masker = options.posMasking()
                ? new PosGuidedMasker(models != null ? models : UdEnglishModels.fromClasspath(), options.posTags(),
                        maskToken, options.maskShare(), options.seed())
                : null;
        if (options.stopWords() || options.removePunctuation()) {
            Set<String> stopWords = options.stopWords() ? options.stopWordList().words() : Set.of();
            List<String> protectedTokens = masker != null ? List.of(maskToken) : List.of();
            this.remover = new StopWordRemover(stopWords, options.removePunctuation(), protectedTokens);
        } else {
            this.remover = null;
        }
    }

    /** An augmenter that loads the OpenNLP models from the classpath if POS masking is enabled. */
    public TextAugmenter(AugmentationOptions options, String maskToken) {
        this(options, maskToken, null);
    }

    /** The passage {@code text} (with id {@code passageId}) after the enabled augmentations, in the order above. */
    public String augment(String passageId, String text) {
        Objects.requireNonNull(passageId, "passageId");
        String out = Objects.requireNonNull(text, "text");
        if (numberToWords != null) {
            out = numberToWords.apply(out);
        }
        if (masker != null) {
            out = masker.apply(passageId, out);
        }
        if (remover != null) {
            out = remover.apply(out);
        }
        return out;
    }

    public AugmentationOptions options() {
        return options;
    }
}
