package io.dsistream.models.training;

import io.dsistream.models.ids.BalanceReport;
import io.dsistream.models.retrieval.IdModel;

import java.util.Map;

/**
 * What a training run produced.
 *
 * @param model       the trained model with every corpus document's stored ID
 * @param statistics  counts, steps, epochs, wall time, device (for the bundle manifest's {@code training})
 * @param validation  validation metrics of the kept model ({@code ndcg@10}, {@code recall@100}, ...)
 * @param balance     the balance report of the stored assignment
 */
public record TrainingResult(IdModel model, Map<String, Object> statistics, Map<String, Double> validation,
                             BalanceReport balance) {
}
