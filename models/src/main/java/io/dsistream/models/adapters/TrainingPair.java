package io.dsistream.models.adapters;

/** A query and one document judged relevant to it: a positive pair for contrastive fine-tuning. */
public record TrainingPair(String queryId, String query, String docId, String document) {
}
