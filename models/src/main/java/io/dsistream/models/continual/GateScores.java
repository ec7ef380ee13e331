package io.dsistream.models.continual;

/**
 * One model's scores on the publish gate's held-back pairs: mean Recall@10 and nDCG@10 over the held-back queries.
 */
public record GateScores(double recallAt10, double ndcgAt10, int queries) {

    /** The score named {@code recall@10} or {@code ndcg@10}. */
    public double metric(String name) {
        return switch (name) {
            case PublishGate.RECALL_AT_10 -> recallAt10;
            case PublishGate.NDCG_AT_10 -> ndcgAt10;
            default -> throw new IllegalArgumentException("gate metric must be recall@10 or ndcg@10, got " + name);
        };
    }
}
