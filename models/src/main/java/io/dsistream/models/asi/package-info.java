/**
 * ASI++'s semantic indexing module and its training criteria (Liu et al., "ASI++: Towards Distributionally
 * Balanced End-to-End Generative Retrieval", §2 and appendix B.1).
 *
 * <p>A {@link io.dsistream.models.asi.SemanticQuantizer} maps a pooled, L2-normalised encoder embedding
 * {@code (B, H)} to code probabilities {@code (B, L, V)}: L positions of V codes each; the document ID is the
 * argmax per position, so a new document gets its ID from one forward pass, with no retraining. Three
 * implementations: {@link io.dsistream.models.asi.MlpQuantizer} (ASI++'s best), {@link
 * io.dsistream.models.asi.ResidualQuantizer} and {@link io.dsistream.models.asi.ProductQuantizer}.
 *
 * <p>The losses take the encoder's and the quantizer's outputs (and the decoder's logits) as NDArrays and return
 * scalar NDArrays that stay differentiable: {@link io.dsistream.models.asi.DiscreteContrastiveLoss} (eq. 1),
 * {@link io.dsistream.models.asi.DecoderCrossEntropyLoss} (eq. 2), {@link
 * io.dsistream.models.asi.DistributionDensityLoss} (eq. 4–5), {@link
 * io.dsistream.models.asi.RepresentationBottleneckLoss} (eq. 6), {@link
 * io.dsistream.models.asi.InformationBottleneckLoss} (eq. 7–9); {@link io.dsistream.models.asi.AsiLoss} sums them
 * with the λ warm-up of appendix B.2. Every array a loss or a forward pass creates lives in the manager of its
 * input, so a trainer that opens one sub-manager per step and closes it after the optimizer update leaks nothing.
 */
package io.dsistream.models.asi;
