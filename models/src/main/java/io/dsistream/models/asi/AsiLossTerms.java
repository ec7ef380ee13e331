package io.dsistream.models.asi;

import ai.djl.ndarray.NDArray;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The value of each enabled term of one batch, unweighted, and the weighted total to back-propagate.
 *
 * @param terms each enabled term's scalar (switched-off terms are absent)
 * @param total {@code L_c + L_CE + L_q + λ (L_di + L_bot + L_ib)} over the enabled terms, a scalar
 * @param lambda the λ used
 */
public record AsiLossTerms(Map<AsiTerm, NDArray> terms, NDArray total, float lambda) {

    public AsiLossTerms {
        terms = Collections.unmodifiableMap(terms.isEmpty() ? new EnumMap<>(AsiTerm.class) : new EnumMap<>(terms));
    }

    /** The term's value, or 0 when it was switched off. Copies from the device. */
    public float value(AsiTerm term) {
        NDArray value = terms.get(term);
        return value == null ? 0f : value.getFloat();
    }

    /** The total's value. Copies from the device. */
    public float totalValue() {
        return total.getFloat();
    }

    /** One progress line, e.g. {@code L=3.1416 c=2.0000 ce=1.0000 di=0.5000 bot=… ib=… q=… λ=0.0100}. */
    public String describe() {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "L=%.4f", totalValue()));
        for (Map.Entry<AsiTerm, NDArray> entry : terms.entrySet()) {
            line.append(String.format(Locale.ROOT, " %s=%.4f", entry.getKey().label(), entry.getValue().getFloat()));
        }
        return line.append(String.format(Locale.ROOT, " λ=%.4f", lambda)).toString();
    }
}
