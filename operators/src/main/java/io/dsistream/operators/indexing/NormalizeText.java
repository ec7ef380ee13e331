package io.dsistream.operators.indexing;

import io.dsistream.models.augment.AugmentationOptions;
import io.dsistream.models.augment.TextAugmenter;
import io.dsistream.schemas.DocumentOp;
import io.dsistream.schemas.indexing.IndexRequest;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/**
 * Cuts over-long texts to {@code maxTextChars} (the tokenizer keeps only the first max-length tokens anyway, so a
 * 10 MB text costs tokenizer time for nothing; each cut is counted) and applies the configured augmentations
 * (DSI+PEFT report: Num2Word, stop-word removal, POS-guided masking; off by default). The content hash stays that
 * of the text as sent, so an unchanged re-send is still recognised.
 */
public class NormalizeText extends RichMapFunction<IndexRequest, IndexRequest> {

    private static final long serialVersionUID = 1L;

    private final String augmentationSwitches;
    private final int maxTextChars;
    private transient TextAugmenter augmenter;
    private transient Counter truncated;

    /**
     * @param augmentationSwitches {@link AugmentationOptions#parse} syntax; empty or {@code none} for no augmentation
     * @param maxTextChars texts longer than this are cut to it
     */
    public NormalizeText(String augmentationSwitches, int maxTextChars) {
        if (maxTextChars < 1) {
            throw new IllegalArgumentException("maxTextChars must be at least 1, got " + maxTextChars);
        }
        this.augmentationSwitches = augmentationSwitches == null ? "" : augmentationSwitches;
        this.maxTextChars = maxTextChars;
    }

    @Override
    public void open(OpenContext openContext) {
        truncated = getRuntimeContext().getMetricGroup().counter(IndexingMetrics.TEXTS_TRUNCATED);
        AugmentationOptions options = augmentationSwitches.isBlank() || augmentationSwitches.equals("none")
                ? AugmentationOptions.NONE : AugmentationOptions.parse(augmentationSwitches);
        augmenter = options.isIdentity() ? null : new TextAugmenter(options, "[MASK]");
    }

    @Override
    public IndexRequest map(IndexRequest request) {
        if (request.op != DocumentOp.UPSERT) {
            return request;
        }
        String text = request.text;
        if (text.length() > maxTextChars) {
            int cut = maxTextChars;
            if (Character.isHighSurrogate(text.charAt(cut - 1))) {
                cut--;
            }
            text = text.substring(0, cut);
            truncated.inc();
        }
        if (augmenter != null) {
            text = augmenter.augment(request.docId, text);
        }
        request.text = text;
        return request;
    }
}
