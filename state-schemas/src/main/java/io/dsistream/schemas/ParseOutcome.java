package io.dsistream.schemas;

import java.util.Objects;

/**
 * The result of parsing one raw input record: either an accepted record, or a {@link RejectReason} with a
 * message that names the offending field. Immutable.
 *
 * @param <T> the record type
 */
public final class ParseOutcome<T> {

    private final T record;
    private final RejectReason reason;
    private final String message;

    private ParseOutcome(T record, RejectReason reason, String message) {
        this.record = record;
        this.reason = reason;
        this.message = message;
    }

    public static <T> ParseOutcome<T> accepted(T record) {
        return new ParseOutcome<>(Objects.requireNonNull(record, "record"), null, null);
    }

    public static <T> ParseOutcome<T> rejected(RejectReason reason, String message) {
        return new ParseOutcome<>(null, Objects.requireNonNull(reason, "reason"), Objects.requireNonNull(message, "message"));
    }

    public boolean isAccepted() {
        return record != null;
    }

    /** The accepted record; throws {@link IllegalStateException} for a rejection. */
    public T record() {
        if (record == null) {
            throw new IllegalStateException("rejected record has no value: " + reason + ": " + message);
        }
        return record;
    }

    /** Why the record was rejected; throws {@link IllegalStateException} for an accepted record. */
    public RejectReason reason() {
        if (reason == null) {
            throw new IllegalStateException("accepted record has no reject reason");
        }
        return reason;
    }

    /** The human-readable rejection message naming the field, for the dead letter's {@code error}. */
    public String message() {
        if (reason == null) {
            throw new IllegalStateException("accepted record has no reject message");
        }
        return message;
    }

    @Override
    public String toString() {
        return isAccepted() ? "accepted(" + record + ")" : "rejected(" + reason + ": " + message + ")";
    }
}
