package io.dsistream.models.continual;

import java.util.Locale;

/** What a continual round trains on (DSI++'s comparison). */
public enum ContinualStrategy {

    /** No fine-tuning: new documents only get quantizer IDs; the decoder never learns them. */
    NONE,
    /** Fine-tune on the new documents and their feedback only (forgets the earlier documents). */
    NAIVE,
    /** Fine-tune on the new documents plus a replay sample of earlier ones, their stored IDs as targets (default). */
    REPLAY;

    /** {@code none}, {@code naive} or {@code replay}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static ContinualStrategy fromCliName(String name) {
        for (ContinualStrategy strategy : values()) {
            if (strategy.cliName().equals(name)) {
                return strategy;
            }
        }
        throw new IllegalArgumentException("continual strategy must be none, naive or replay, got '" + name + "'");
    }
}
