package io.dsistream.models.adapters;

import java.util.Locale;

/** The LoRA family of adapters of the DSI + PEFT report (section 3), as named in adapter files and on the CLI. */
public enum AdapterKind {

    /** {@code W x + (α/r)·B·A·x}, A Gaussian, B zero (Hu et al.). */
    LORA,
    /** LoRA over frozen base weights held as 4-bit NF4 codes with per-block absmax scales (Dettmers et al.). */
    QLORA,
    /** SVD-form {@code P·Λ·Q} whose rank budget is pruned by importance during training (Zhang et al.). */
    ADALORA,
    /** A depthwise 1-D convolution over the sequence before the low-rank mapping (LoCon; report section 3.2). */
    CONVLORA;

    /** Lower-case name: {@code lora}, {@code qlora}, {@code adalora}, {@code convlora}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The kind called {@code name} (case-insensitive).
     *
     * @throws IllegalArgumentException listing the known kinds
     */
    public static AdapterKind fromName(String name) {
        for (AdapterKind kind : values()) {
            if (kind.cliName().equalsIgnoreCase(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown adapter kind '" + name + "'; known: lora, qlora, adalora, convlora");
    }
}
