package io.dsistream.models.eval;

import java.util.Objects;

/**
 * One corpus entry of a BEIR dataset. Title and text are kept apart because some methods use them differently
 * (an indexing task may read only the text); {@link #flatText()} gives BEIR's flat setting.
 */
public record BeirDocument(String id, String title, String text) {

    public BeirDocument {
        Objects.requireNonNull(id, "id");
        title = title == null ? "" : title;
        text = text == null ? "" : text;
    }

    /** {@code "title text"} as BEIR's models and Anserini's flat index read a document; just the text when untitled. */
    public String flatText() {
        if (title.isEmpty()) {
            return text;
        }
        return text.isEmpty() ? title : title + " " + text;
    }
}
