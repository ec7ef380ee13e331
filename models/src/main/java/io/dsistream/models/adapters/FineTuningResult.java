package io.dsistream.models.adapters;

/**
 * What one fine-tuning run did and cost.
 *
 * @param technique            what was trained
 * @param trainableParameters  parameters the optimizer updated
 * @param totalParameters      base encoder plus adapter parameters
 * @param steps                optimizer steps
 * @param trainSamples         pairs seen (steps × batch)
 * @param trainSeconds         wall time of the training steps
 * @param validationSamples    held-out pairs scored
 * @param validationSeconds    wall time of the validation pass
 * @param firstLoss            loss of the first step
 * @param lastLoss             mean loss of the last 10 steps
 * @param validationLoss       in-batch contrastive loss on the held-out pairs after training
 * @param baseWeightBytes      bytes the frozen base weights hold (QLoRA: NF4 codes and scales)
 * @param baseFp32Bytes        bytes the base weights take in FP32
 * @param sparsity             share of zero adapter weights reached (pruned technique; else NaN)
 * @param meanRank             mean active rank per adapted matrix (AdaLoRA; else NaN)
 */
public record FineTuningResult(FineTuningTechnique technique, long trainableParameters, long totalParameters,
                               int steps, long trainSamples, double trainSeconds, long validationSamples,
                               double validationSeconds, double firstLoss, double lastLoss, double validationLoss,
                               long baseWeightBytes, long baseFp32Bytes, double sparsity, double meanRank) {

    /** Training wall time per 1,000 pairs. */
    public double trainSecondsPer1k() {
        return trainSamples == 0 ? 0 : trainSeconds * 1000.0 / trainSamples;
    }

    /** Validation wall time per 1,000 pairs. */
    public double validationSecondsPer1k() {
        return validationSamples == 0 ? 0 : validationSeconds * 1000.0 / validationSamples;
    }
}
