package io.dsistream.schemas;

/**
 * Thrown inside a parser to stop at the first problem; the parser turns it into a rejected
 * {@link ParseOutcome}. Carries no stack trace: bad input is expected traffic, not a bug.
 */
final class RecordRejection extends Exception {

    private static final long serialVersionUID = 1L;

    private final RejectReason reason;

    RecordRejection(RejectReason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    RejectReason reason() {
        return reason;
    }

    <T> ParseOutcome<T> toOutcome() {
        return ParseOutcome.rejected(reason, getMessage());
    }
}
