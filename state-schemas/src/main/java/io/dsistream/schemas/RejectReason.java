package io.dsistream.schemas;

/**
 * Why an input record went to the dead-letter topic. Each value is one counter in the job, and its name
 * is the {@code reason} field of the {@link DeadLetterRecord}; names are part of the wire format and
 * never change.
 */
public enum RejectReason {
    /** The bytes are not one complete JSON object (syntax error, trailing data, duplicate key, not an object, empty). */
    MALFORMED_JSON("not a single well-formed JSON object"),
    /** The bytes are not valid UTF-8, or a string escapes an unpaired surrogate that has no UTF-8 form. */
    INVALID_UTF8("not valid UTF-8"),
    /** The record is larger than the parser's hard byte cap; it is not decoded at all. */
    RECORD_TOO_LARGE("larger than the hard byte cap"),
    /** The id ({@code id} or feedback {@code docId}) is missing, null, empty or only whitespace. */
    MISSING_ID("id missing, empty or only whitespace"),
    /** The id is longer than {@link WireLimits#MAX_ID_CHARS}. */
    ID_TOO_LONG("id longer than the cap"),
    /** The text of an upsert, query or feedback is missing, null, empty or only whitespace/control characters. */
    EMPTY_TEXT("text missing, empty or only whitespace"),
    /** The query text is longer than {@link WireLimits#QUERY_MAX_TEXT_CODE_POINTS}. */
    QUERY_TOO_LONG("query text longer than the cap"),
    /** The object has a field the format does not define; the message names it. */
    UNKNOWN_FIELD("field not in the wire format"),
    /** {@code op} is neither {@code "upsert"} nor {@code "delete"}. */
    UNKNOWN_OP("op is neither upsert nor delete"),
    /** A known field has the wrong JSON type or an out-of-range value (negative ts, k = 2.5, label = -1); the message names it. */
    INVALID_FIELD("field has the wrong type or an out-of-range value"),
    /**
     * A delete names a document id the index does not hold. Raised by the indexing operator from its keyed
     * state, never by a parser: a parser cannot know which ids exist.
     */
    DELETE_OF_UNKNOWN_ID("delete of an id the index does not hold"),
    ENCODE_TIMEOUT("the encoder did not answer within the timeout"),
    ENCODE_FAILED("the encoder failed on the document");

    private final String description;

    RejectReason(String description) {
        this.description = description;
    }

    /** One line for the README and the metric description. */
    public String description() {
        return description;
    }
}
