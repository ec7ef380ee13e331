package io.dsistream.models.encoder;

/**
 * Throughput and memory of one encoder at one batch size.
 *
 * @param encoder            the encoder's CLI name
 * @param device             where it ran, e.g. {@code cpu()}
 * @param batchSize          texts per forward pass
 * @param maxLength          token limit per text
 * @param documents          texts embedded in the measured part (warm-up excluded)
 * @param tokens             word pieces in those texts after truncation, [CLS] and [SEP] included
 * @param paddedTokens       token positions actually computed (each batch padded to its longest text)
 * @param seconds            wall time of the measured part
 * @param peakResidentBytes  process RSS high-water mark (VmHWM) at the end of this size; -1 if unknown. It only
 *                           grows over a process's life, so later sizes include earlier peaks
 * @param peakHeapUsedBytes  largest Java heap use seen after a batch of this size
 */
public record EncoderBenchmarkResult(String encoder, String device, int batchSize, int maxLength, int documents,
                                     long tokens, long paddedTokens, double seconds, long peakResidentBytes,
                                     long peakHeapUsedBytes) {

    /** Documents per second. */
    public double documentsPerSecond() {
        return documents / seconds;
    }

    /** Real (unpadded) tokens per second. */
    public double tokensPerSecond() {
        return tokens / seconds;
    }

    /** Mean wall time of one forward pass, in milliseconds. */
    public double millisPerBatch() {
        return 1000.0 * seconds / Math.ceil((double) documents / batchSize);
    }
}
