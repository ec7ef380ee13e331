package io.dsistream.models.continual;

import java.util.Optional;

/**
 * When the trainer starts a round (issue 7): after {@code everyDocuments} new documents, {@code everyMillis} after
 * the last round began, or on a balance alert; the last two only when a document or feedback arrived since the last
 * round (a round on nothing new would only repeat the last one). One round runs at a time: what
 * triggers during a round is remembered and starts one round after it, not one per trigger. Counters restart when
 * a round starts. Not thread-safe; the state is plain numbers so an operator can checkpoint it.
 */
public final class RoundTriggers {

    private final long everyDocuments;
    private final long everyMillis;
    private final boolean onBalanceAlert;
    private long documentsSinceRound;
    private long feedbackSinceRound;
    private long lastRoundMillis;
    private boolean balanceAlert;

    /**
     * @param nowMillis the time the trainer starts (the interval trigger counts from here)
     */
    public RoundTriggers(long everyDocuments, long everyMillis, boolean onBalanceAlert, long nowMillis) {
        this.everyDocuments = everyDocuments;
        this.everyMillis = everyMillis;
        this.onBalanceAlert = onBalanceAlert;
        this.lastRoundMillis = nowMillis;
    }

    public void documentsAdded(long count) {
        documentsSinceRound += count;
    }

    public void feedbackAdded(long count) {
        feedbackSinceRound += count;
    }

    /** A balance figure crossed its alert threshold; starts a round if the trigger is on. */
    public void balanceAlert() {
        if (onBalanceAlert) {
            balanceAlert = true;
        }
    }

    /**
     * The reason a round is due now, or empty. A round that is running defers every trigger: ask again when it ends.
     */
    public Optional<String> due(long nowMillis, boolean roundRunning) {
        if (roundRunning) {
            return Optional.empty();
        }
        if (everyDocuments > 0 && documentsSinceRound >= everyDocuments) {
            return Optional.of(documentsSinceRound + " new documents (every " + everyDocuments + ")");
        }
        boolean anythingNew = documentsSinceRound + feedbackSinceRound > 0;
        if (balanceAlert && anythingNew) {
            return Optional.of("balance alert");
        }
        if (everyMillis > 0 && nowMillis - lastRoundMillis >= everyMillis && anythingNew) {
            return Optional.of((nowMillis - lastRoundMillis) / 1000 + " s since the last round (every "
                    + everyMillis / 1000 + " s)");
        }
        return Optional.empty();
    }

    /** A round starts now: counters and the alert restart. */
    public void roundStarted(long nowMillis) {
        documentsSinceRound = 0;
        feedbackSinceRound = 0;
        balanceAlert = false;
        lastRoundMillis = nowMillis;
    }

    public long documentsSinceRound() {
        return documentsSinceRound;
    }

    /** The state to checkpoint: documents, feedback, last round time, alert (1/0). */
    public long[] snapshot() {
        return new long[] {documentsSinceRound, feedbackSinceRound, lastRoundMillis, balanceAlert ? 1 : 0};
    }

    public void restore(long[] state) {
        documentsSinceRound = state[0];
        feedbackSinceRound = state[1];
        lastRoundMillis = state[2];
        balanceAlert = state[3] != 0;
    }
}
