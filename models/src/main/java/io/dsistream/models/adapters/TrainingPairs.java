package io.dsistream.models.adapters;

import io.dsistream.models.eval.BeirDataset;
import io.dsistream.models.eval.BeirQuery;
import io.dsistream.models.eval.Qrels;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The positive pairs of a qrels split, cut by query into training and validation parts (a query's pairs all go to
 * the same part, so validation measures queries never trained on).
 *
 * @param train      pairs to train on
 * @param validation pairs held out
 */
public record TrainingPairs(List<TrainingPair> train, List<TrainingPair> validation) {

    /**
     * Every (query, relevant document) pair of {@code split} (relevance > 0); a share {@code validationShare} of
     * the queries, drawn with {@code seed}, goes to validation.
     *
     * @throws IllegalArgumentException if the share is outside [0, 1)
     */
    public static TrainingPairs fromQrels(BeirDataset dataset, String split, double validationShare, long seed) {
        if (validationShare < 0 || validationShare >= 1) {
            throw new IllegalArgumentException("validationShare must be in [0, 1), got " + validationShare);
        }
        Qrels qrels = dataset.qrels(split);
        List<BeirQuery> queries = new ArrayList<>(dataset.queries(split));
        Collections.shuffle(queries, new Random(seed));
        int held = (int) Math.round(queries.size() * validationShare);
        List<TrainingPair> train = new ArrayList<>();
        List<TrainingPair> validation = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            BeirQuery query = queries.get(i);
            for (Map.Entry<String, Integer> judged : qrels.judgments(query.id()).entrySet()) {
                if (judged.getValue() > 0 && dataset.hasDocument(judged.getKey())) {
                    TrainingPair pair = new TrainingPair(query.id(), query.text(), judged.getKey(),
                            dataset.document(judged.getKey()).flatText());
                    (i < held ? validation : train).add(pair);
                }
            }
        }
        return new TrainingPairs(List.copyOf(train), List.copyOf(validation));
    }
}
