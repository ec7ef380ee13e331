package io.dsistream.models.continual;

/**
 * A supervised pair from the {@code feedback} topic (a click or a judgement): a query's text and a document it
 * should retrieve.
 */
public record FeedbackPair(String queryText, String docId) {

    public FeedbackPair {
        if (queryText == null || queryText.isBlank()) {
            throw new IllegalArgumentException("feedback pair field 'queryText' is missing or blank");
        }
        if (docId == null || docId.isEmpty()) {
            throw new IllegalArgumentException("feedback pair field 'docId' is missing or empty");
        }
    }
}
