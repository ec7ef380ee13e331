package io.dsistream.models.eval;

import java.util.Objects;

/** One query of a BEIR dataset. */
public record BeirQuery(String id, String text) {

    public BeirQuery {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
    }
}
