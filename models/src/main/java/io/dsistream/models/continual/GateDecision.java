package io.dsistream.models.continual;

/**
 * What the publish gate decided and why: both models' scores, the metric compared and the margin allowed.
 *
 * @param publish   true when the candidate may be published
 * @param current   the serving model's scores (null when there is none yet)
 * @param candidate the candidate's scores
 * @param metric    {@code recall@10} or {@code ndcg@10}
 * @param margin    how much worse than the current model the candidate may score and still be published
 * @param reason    one line for the log
 */
public record GateDecision(boolean publish, GateScores current, GateScores candidate, String metric, double margin,
                           String reason) {
}
