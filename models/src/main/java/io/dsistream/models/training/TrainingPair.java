package io.dsistream.models.training;

/**
 * One training example: the query-side text {@code text} (an index into {@link TrainingData#texts()}) and the
 * corpus document {@code document} (an index into the corpus) whose ID it must decode to.
 */
public record TrainingPair(int text, int document, PairSource source) {
}
