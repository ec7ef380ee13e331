package io.dsistream.schemas;

/**
 * The documented limits of the wire formats. Parsers check them before any model sees a record, so one
 * bad producer can cost a dead letter but never a tokenizer run over 100 MB or a beam search for k = 10^9.
 */
public final class WireLimits {

    /**
     * Hard cap on a raw document record, in bytes, checked before decoding. A 10 MB text is accepted here
     * (the tokenizer truncates it later and the job counts the truncation); only records above this cap
     * are dead-lettered as {@link RejectReason#RECORD_TOO_LARGE}. The broker's {@code message.max.bytes}
     * must be at least this large for such records to arrive at all.
     */
    public static final int DOCUMENT_MAX_RECORD_BYTES = 16 * 1024 * 1024;

    /** Hard cap on a raw query or feedback record, in bytes, checked before decoding. */
    public static final int QUERY_MAX_RECORD_BYTES = 1024 * 1024;

    /** Longest accepted query text, in Unicode code points; longer ones are {@link RejectReason#QUERY_TOO_LONG}. */
    public static final int QUERY_MAX_TEXT_CODE_POINTS = 8_192;

    /** Longest accepted document or query id, in UTF-16 chars; ids are Kafka keys and state keys. */
    public static final int MAX_ID_CHARS = 512;

    /** k when a query names none. */
    public static final int DEFAULT_K = 10;

    /** Smallest k; a smaller one is clamped up to it and the query is flagged {@code kClamped}. */
    public static final int MIN_K = 1;

    /** Largest k; a larger one is clamped down to it and the query is flagged {@code kClamped}. */
    public static final int MAX_K = 1000;

    /** At most this many bytes of a rejected record are copied into its dead letter. */
    public static final int DEAD_LETTER_MAX_RAW_BYTES = 64 * 1024;

    private WireLimits() {
    }
}
