package io.dsistream.models.training;

import io.dsistream.models.augment.TextAugmenter;
import io.dsistream.models.eval.BeirDataset;
import io.dsistream.models.eval.BeirDocument;
import io.dsistream.models.eval.BeirQuery;
import io.dsistream.models.eval.Qrels;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The training examples of one run, before encoding: query-side texts (queries, crops, sentences; cut to
 * {@code queryTokens}) come first in {@link #texts()}, then the indexing texts (documents, cut to
 * {@code indexTokens}) from index {@link #queryTextCount()} on. Train qrels are split by query into training and
 * validation with a seeded shuffle; the test split is never read. Without train qrels, validation queries are
 * held-out crops (the zero-shot setting of DSI's table 3).
 *
 * @param texts           every text a pair or a validation query points at
 * @param queryTextCount  texts before this index are query-side texts
 * @param pairs           the training pairs of one epoch (repeats included)
 * @param validation      held-out queries with their judgments
 * @param counts          pairs per source, before repeats
 */
public record TrainingData(List<String> texts, int queryTextCount, List<TrainingPair> pairs,
                           List<ValidationQuery> validation, Map<PairSource, Integer> counts) {

    /** Name of the qrels split training reads. */
    public static final String TRAIN_SPLIT = "train";

    /**
     * Builds the pairs for {@code corpus} (the document index of a pair is its position here).
     *
     * @param augmenter applied to indexing and self-supervised texts, or null
     */
    public static TrainingData build(BeirDataset dataset, List<BeirDocument> corpus, TrainingOptions options,
                                     TextAugmenter augmenter) {
        Map<String, Integer> documentIndex = new HashMap<>();
        for (int i = 0; i < corpus.size(); i++) {
            documentIndex.put(corpus.get(i).id(), i);
        }
        Random random = new Random(options.seed());
        List<String> queryTexts = new ArrayList<>();
        List<TrainingPair> pairs = new ArrayList<>();
        List<ValidationQuery> validation = new ArrayList<>();
        Map<PairSource, Integer> counts = new EnumMap<>(PairSource.class);
        for (PairSource source : PairSource.values()) {
            counts.put(source, 0);
        }

        if (dataset.hasSplit(TRAIN_SPLIT)) {
            Qrels qrels = dataset.qrels(TRAIN_SPLIT);
            Map<String, BeirQuery> queries = dataset.queries();
            List<String> queryIds = new ArrayList<>(qrels.queryIds());
            Collections.sort(queryIds);
            Collections.shuffle(queryIds, new Random(options.seed()));
            int held = (int) Math.round(options.validationShare() * queryIds.size());
            for (int q = 0; q < queryIds.size(); q++) {
                String queryId = queryIds.get(q);
                int text = queryTexts.size();
                queryTexts.add(queries.get(queryId).text());
                Map<String, Integer> judgments = qrels.judgments(queryId);
                if (q < held) {
                    validation.add(new ValidationQuery(queryId, text, judgments));
                    continue;
                }
                for (Map.Entry<String, Integer> judged : new java.util.TreeMap<>(judgments).entrySet()) {
                    Integer document = documentIndex.get(judged.getKey());
                    if (judged.getValue() > 0 && document != null) {
                        counts.merge(PairSource.QRELS, 1, Integer::sum);
                        for (int r = 0; r < options.qrelsRepeat(); r++) {
                            pairs.add(new TrainingPair(text, document, PairSource.QRELS));
                        }
                    }
                }
            }
        }
        boolean zeroShot = validation.isEmpty() && counts.get(PairSource.QRELS) == 0;
        if (options.selfSupervised() || zeroShot) {
            int heldCrops = zeroShot ? (int) Math.round(options.validationShare() * Math.min(corpus.size(), 2000)) : 0;
            for (int d = 0; d < corpus.size(); d++) {
                String text = augment(augmenter, corpus.get(d).id() + "#ss", corpus.get(d).flatText());
                int crop = queryTexts.size();
                queryTexts.add(SelfSupervisedPairs.independentCrop(text, random));
                if (d < heldCrops) {
                    validation.add(new ValidationQuery(corpus.get(d).id() + "#crop", crop,
                            Map.of(corpus.get(d).id(), 1)));
                    continue;
                }
                pairs.add(new TrainingPair(crop, d, PairSource.CROP));
                counts.merge(PairSource.CROP, 1, Integer::sum);
                int sentence = queryTexts.size();
                queryTexts.add(SelfSupervisedPairs.inverseCloze(text, random));
                pairs.add(new TrainingPair(sentence, d, PairSource.INVERSE_CLOZE));
                counts.merge(PairSource.INVERSE_CLOZE, 1, Integer::sum);
            }
        }
        int queryTextCount = queryTexts.size();
        List<String> texts = new ArrayList<>(queryTexts);
        for (int d = 0; d < corpus.size(); d++) {
            texts.add(augment(augmenter, corpus.get(d).id(), corpus.get(d).flatText()));
            counts.merge(PairSource.INDEXING, 1, Integer::sum);
            for (int r = 0; r < options.indexingRepeat(); r++) {
                pairs.add(new TrainingPair(queryTextCount + d, d, PairSource.INDEXING));
            }
        }
        return new TrainingData(List.copyOf(texts), queryTextCount, List.copyOf(pairs), List.copyOf(validation),
                Collections.unmodifiableMap(counts));
    }

    private static String augment(TextAugmenter augmenter, String id, String text) {
        return augmenter == null ? text : augmenter.augment(id, text);
    }

    /** The query-side texts, {@code texts[0, queryTextCount)}. */
    public List<String> queryTexts() {
        return texts.subList(0, queryTextCount);
    }

    /** The indexing texts, one per corpus document, in corpus order. */
    public List<String> indexTexts() {
        return texts.subList(queryTextCount, texts.size());
    }
}
