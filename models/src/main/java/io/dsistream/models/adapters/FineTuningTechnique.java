package io.dsistream.models.adapters;

import java.util.Locale;

/** What a fine-tuning run trains: nothing, everything, or one kind of adapter (optionally pruned). */
public enum FineTuningTechnique {

    /** The frozen pretrained encoder: the baseline every technique is compared with. */
    NONE(null),
    /** Every parameter of the encoder. */
    FULL(null),
    LORA(AdapterKind.LORA),
    QLORA(AdapterKind.QLORA),
    ADALORA(AdapterKind.ADALORA),
    CONVLORA(AdapterKind.CONVLORA),
    /** LoRA whose adapter weights are pruned during training by {@link DynamicPruning}. */
    LORA_PRUNED(AdapterKind.LORA);

    private final AdapterKind adapterKind;

    FineTuningTechnique(AdapterKind adapterKind) {
        this.adapterKind = adapterKind;
    }

    /** The adapter kind attached, or null for {@link #NONE} and {@link #FULL}. */
    public AdapterKind adapterKind() {
        return adapterKind;
    }

    /** {@code none}, {@code full}, {@code lora}, …, {@code lora-pruned}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The technique called {@code name} (as {@link #cliName()}).
     *
     * @throws IllegalArgumentException listing the known names
     */
    public static FineTuningTechnique fromName(String name) {
        for (FineTuningTechnique technique : values()) {
            if (technique.cliName().equalsIgnoreCase(name.trim())) {
                return technique;
            }
        }
        throw new IllegalArgumentException("unknown technique '" + name
                + "'; known: none, full, lora, qlora, adalora, convlora, lora-pruned");
    }
}
