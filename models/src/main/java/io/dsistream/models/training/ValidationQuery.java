package io.dsistream.models.training;

import java.util.Map;

/** A held-out query: its text (an index into {@link TrainingData#texts()}) and its judged documents. */
public record ValidationQuery(String queryId, int text, Map<String, Integer> judgments) {
}
