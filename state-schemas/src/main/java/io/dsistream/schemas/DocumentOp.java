package io.dsistream.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Optional;

/** What a document record asks of the index; on the wire it is {@code "upsert"} or {@code "delete"}. */
public enum DocumentOp {
    @JsonProperty("upsert")
    UPSERT("upsert"),
    @JsonProperty("delete")
    DELETE("delete");

    private final String wireName;

    DocumentOp(String wireName) {
        this.wireName = wireName;
    }

    /** The exact lower-case spelling on the wire. */
    public String wireName() {
        return wireName;
    }

    /** The op spelled exactly {@code wireName} (case-sensitive), or empty. */
    public static Optional<DocumentOp> fromWireName(String wireName) {
        for (DocumentOp op : values()) {
            if (op.wireName.equals(wireName)) {
                return Optional.of(op);
            }
        }
        return Optional.empty();
    }
}
