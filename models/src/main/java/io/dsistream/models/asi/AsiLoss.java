package io.dsistream.models.asi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import java.util.EnumMap;
import java.util.Map;

/**
 * ASI++'s full objective, {@code L = L_c + L_CE + λ (L_di + L_bot + L_ib)} (§2.4), plus the quantisation MSE of
 * the RQ/PQ modules (appendix B.1, added unscaled as the paper adds it "into the total objective"), with λ from a
 * {@link LambdaSchedule} and each term switchable for ablations through {@link LossWeights}. Every array it
 * creates lives in the manager of the batch's query embeddings.
 */
public final class AsiLoss {

    private final LossWeights weights;
    private final LambdaSchedule schedule;
    private final DiscreteContrastiveLoss contrastive;
    private final DecoderCrossEntropyLoss decoder = new DecoderCrossEntropyLoss();
    private final DistributionDensityLoss density = new DistributionDensityLoss();
    private final RepresentationBottleneckLoss bottleneck;
    private final InformationBottleneckLoss information;

    public AsiLoss(LossWeights weights, LambdaSchedule schedule) {
        this.weights = weights;
        this.schedule = schedule;
        this.contrastive = new DiscreteContrastiveLoss(weights.margin());
        this.bottleneck = new RepresentationBottleneckLoss(weights.gamma(), weights.temperature());
        this.information = new InformationBottleneckLoss(weights.beta());
    }

    public LossWeights weights() {
        return weights;
    }

    public LambdaSchedule schedule() {
        return schedule;
    }

    /**
     * The terms and total for one batch at optimizer step {@code step} (which sets λ).
     *
     * @throws IllegalArgumentException when an enabled term's inputs are missing
     */
    public AsiLossTerms compute(AsiLossInputs in, long step) {
        float lambda = schedule.lambda(step);
        Map<AsiTerm, NDArray> terms = new EnumMap<>(AsiTerm.class);
        if (weights.isEnabled(AsiTerm.CONTRASTIVE)) {
            terms.put(AsiTerm.CONTRASTIVE, contrastive.compute(
                    require(in.queryCodes(), "queryCodes", AsiTerm.CONTRASTIVE),
                    require(in.documentCodes(), "documentCodes", AsiTerm.CONTRASTIVE),
                    in.negativeMask()));
        }
        if (weights.isEnabled(AsiTerm.DECODER)) {
            terms.put(AsiTerm.DECODER, decoder.compute(
                    require(in.decoderLogits(), "decoderLogits", AsiTerm.DECODER),
                    require(in.decoderTargets(), "decoderTargets", AsiTerm.DECODER)));
        }
        if (weights.isEnabled(AsiTerm.DENSITY)) {
            // eq. 4 spreads both documents and queries over the ID space
            terms.put(AsiTerm.DENSITY, density.compute(require(in.documentCodes(), "documentCodes", AsiTerm.DENSITY))
                    .add(density.compute(require(in.queryCodes(), "queryCodes", AsiTerm.DENSITY))));
        }
        if (weights.isEnabled(AsiTerm.BOTTLENECK)) {
            terms.put(AsiTerm.BOTTLENECK, bottleneck.compute(
                    require(in.queryEmbeddings(), "queryEmbeddings", AsiTerm.BOTTLENECK),
                    require(in.documentEmbeddings(), "documentEmbeddings", AsiTerm.BOTTLENECK)));
        }
        if (weights.isEnabled(AsiTerm.INFORMATION)) {
            terms.put(AsiTerm.INFORMATION, information.compute(
                    require(in.documentEmbeddings(), "documentEmbeddings", AsiTerm.INFORMATION)));
        }
        if (weights.isEnabled(AsiTerm.QUANTIZATION) && in.quantizationLoss() != null) {
            // the MLP has no quantisation loss, so a missing one is not an error
            terms.put(AsiTerm.QUANTIZATION, in.quantizationLoss());
        }
        NDArray anchor = firstPresent(in);
        NDArray total = anchor.getManager().zeros(new Shape(), anchor.getDataType(), anchor.getDevice());
        for (Map.Entry<AsiTerm, NDArray> entry : terms.entrySet()) {
            NDArray term = entry.getValue();
            total = total.add(entry.getKey().scaledByLambda() ? term.mul(ScopedScalar.of(term, lambda)) : term);
        }
        return new AsiLossTerms(terms, total, lambda);
    }

    private static NDArray require(NDArray value, String field, AsiTerm term) {
        if (value == null) {
            throw new IllegalArgumentException("AsiLossInputs." + field + " is needed by " + term
                    + "; set it or switch " + term + " off in LossWeights");
        }
        return value;
    }

    private static NDArray firstPresent(AsiLossInputs in) {
        for (NDArray candidate : new NDArray[] {in.queryEmbeddings(), in.documentEmbeddings(), in.queryCodes(),
                in.documentCodes(), in.decoderLogits(), in.quantizationLoss()}) {
            if (candidate != null) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("AsiLossInputs holds no arrays");
    }
}
