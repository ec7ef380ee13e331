package io.dsistream.models.asi;

import ai.djl.ndarray.NDArray;

/**
 * What one training batch of B (query, positive document) pairs gives {@link AsiLoss}. Row b of every array
 * belongs to pair b. Optional parts are null; a term that needs a missing part must be switched off.
 *
 * @param queryEmbeddings encoder output for the queries, {@code (B, H)}, L2-normalised
 * @param documentEmbeddings encoder output for the documents, {@code (B, H)}, L2-normalised
 * @param queryCodes quantizer code probabilities of the queries, {@code (B, L, V)}
 * @param documentCodes quantizer code probabilities of the documents, {@code (B, L, V)}
 * @param quantizationLoss scalar quantisation MSE from the quantizer's forward passes, or null
 * @param decoderLogits decoder logits under teacher forcing, {@code (B, T, vocabulary)}, or null
 * @param decoderTargets target ID tokens {@code (B, T)}, PAD where there is none, or null
 * @param negativeMask {@code (B, B)}: 1 where document j is a negative for query b, or null for every j ≠ b
 */
public record AsiLossInputs(
        NDArray queryEmbeddings,
        NDArray documentEmbeddings,
        NDArray queryCodes,
        NDArray documentCodes,
        NDArray quantizationLoss,
        NDArray decoderLogits,
        NDArray decoderTargets,
        NDArray negativeMask) {

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link AsiLossInputs}: {@code setX} for the parts every batch has, {@code optX} for the others. */
    public static final class Builder {
        private NDArray queryEmbeddings;
        private NDArray documentEmbeddings;
        private NDArray queryCodes;
        private NDArray documentCodes;
        private NDArray quantizationLoss;
        private NDArray decoderLogits;
        private NDArray decoderTargets;
        private NDArray negativeMask;

        private Builder() {
        }

        /** The queries' embeddings {@code (B, H)} and code probabilities {@code (B, L, V)}. */
        public Builder setQueries(NDArray embeddings, NDArray codeProbabilities) {
            this.queryEmbeddings = embeddings;
            this.queryCodes = codeProbabilities;
            return this;
        }

        /** The positive documents' embeddings {@code (B, H)} and code probabilities {@code (B, L, V)}. */
        public Builder setDocuments(NDArray embeddings, NDArray codeProbabilities) {
            this.documentEmbeddings = embeddings;
            this.documentCodes = codeProbabilities;
            return this;
        }

        public Builder optQuantizationLoss(NDArray scalar) {
            this.quantizationLoss = scalar;
            return this;
        }

        /** Teacher-forced logits {@code (B, T, vocabulary)} and targets {@code (B, T)}. */
        public Builder optDecoder(NDArray logits, NDArray targets) {
            this.decoderLogits = logits;
            this.decoderTargets = targets;
            return this;
        }

        public Builder optNegativeMask(NDArray mask) {
            this.negativeMask = mask;
            return this;
        }

        public AsiLossInputs build() {
            return new AsiLossInputs(queryEmbeddings, documentEmbeddings, queryCodes, documentCodes,
                    quantizationLoss, decoderLogits, decoderTargets, negativeMask);
        }
    }
}
