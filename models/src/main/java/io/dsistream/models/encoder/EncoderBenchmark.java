package io.dsistream.models.encoder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Measures how many documents per second an encoder embeds at several batch sizes, and the memory it takes.
 *
 * <p>For each batch size b, texts are taken in the given order (wrapping around) and embedded b at a time, one
 * forward pass per call, as the streaming operator's micro-batches are: each batch is padded to its own longest
 * text. Every size first runs {@code warmupBatches} unmeasured batches, then measures until
 * {@code documentsPerSize} documents are done or {@code timeBudgetPerSize} has passed, whichever comes first.
 *
 * <pre>{@code
 * try (TextEncoder encoder = TextEncoder.load(EncoderSpec.MINILM)) {
 *     List<EncoderBenchmarkResult> results = EncoderBenchmark.builder().build().run(encoder, texts);
 *     System.out.println(EncoderBenchmark.table(results));
 * }
 * }</pre>
 */
public final class EncoderBenchmark {

    private final int[] batchSizes;
    private final int warmupBatches;
    private final int documentsPerSize;
    private final Duration timeBudgetPerSize;

    private EncoderBenchmark(Builder builder) {
        this.batchSizes = builder.batchSizes.clone();
        this.warmupBatches = builder.warmupBatches;
        this.documentsPerSize = builder.documentsPerSize;
        this.timeBudgetPerSize = builder.timeBudgetPerSize;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs every batch size on {@code encoder} over {@code texts}; one result per size, in the order given. The
     * encoder's own {@link EncoderOptions#batchSize()} must be at least the largest size measured, so that one
     * call is one forward pass, and its {@link EncoderOptions#maxLength()} is the length measured at.
     */
    public List<EncoderBenchmarkResult> run(TextEncoder encoder, List<String> texts) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("the benchmark needs at least one text");
        }
        int largest = Arrays.stream(batchSizes).max().orElseThrow();
        if (encoder.options().batchSize() < largest) {
            throw new IllegalArgumentException("the encoder's batchSize " + encoder.options().batchSize()
                    + " is smaller than the largest measured batch size " + largest + "; load it with "
                    + "EncoderOptions.builder().optBatchSize(" + largest + ")");
        }
        List<long[]> tokenIds = encoder.tokenizer().encodeAll(texts);
        List<EncoderBenchmarkResult> results = new ArrayList<>();
        for (int batchSize : batchSizes) {
            results.add(measure(encoder, texts, tokenIds, batchSize));
        }
        return results;
    }

    private EncoderBenchmarkResult measure(TextEncoder encoder, List<String> texts, List<long[]> tokenIds,
                                           int batchSize) {
        int cursor = 0;
        for (int i = 0; i < warmupBatches; i++) {
            encoder.embed(batch(texts, cursor, batchSize));
            cursor += batchSize;
        }
        long peakHeap = ProcessMemory.heapUsedBytes();
        long budgetNanos = timeBudgetPerSize.toNanos();
        int documents = 0;
        long tokens = 0;
        long paddedTokens = 0;
        long start = System.nanoTime();
        long elapsed = 0;
        while (documents < documentsPerSize && elapsed < budgetNanos) {
            int size = Math.min(batchSize, documentsPerSize - documents);
            encoder.embed(batch(texts, cursor, size));
            elapsed = System.nanoTime() - start;
            int longest = 0;
            for (int i = 0; i < size; i++) {
                int length = tokenIds.get((cursor + i) % texts.size()).length;
                tokens += length;
                longest = Math.max(longest, length);
            }
            paddedTokens += (long) longest * size;
            documents += size;
            cursor += size;
            peakHeap = Math.max(peakHeap, ProcessMemory.heapUsedBytes());
        }
        return new EncoderBenchmarkResult(encoder.spec().cliName(), encoder.device().toString(), batchSize,
                encoder.options().maxLength(), documents, tokens, paddedTokens, elapsed / 1e9,
                ProcessMemory.peakResidentBytes().orElse(-1), peakHeap);
    }

    private static List<String> batch(List<String> texts, int from, int size) {
        List<String> batch = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            batch.add(texts.get((from + i) % texts.size()));
        }
        return batch;
    }

    /** The results as a Markdown table, for logs and reports. */
    public static String table(List<EncoderBenchmarkResult> results) {
        StringBuilder out = new StringBuilder(
                "| encoder | device | batch | max len | docs | docs/s | tokens/s | padding | ms/batch | peak RSS MiB"
                        + " | peak heap MiB |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (EncoderBenchmarkResult r : results) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %.1f | %.0f | %.0f%% | %.1f | %d | %d |%n",
                    r.encoder(), r.device(), r.batchSize(), r.maxLength(), r.documents(), r.documentsPerSecond(),
                    r.tokensPerSecond(), 100.0 * (r.paddedTokens() - r.tokens()) / r.paddedTokens(),
                    r.millisPerBatch(), r.peakResidentBytes() >> 20, r.peakHeapUsedBytes() >> 20));
        }
        return out.toString();
    }

    /** Builder; every value is optional. */
    public static final class Builder {

        private int[] batchSizes = {1, 8, 32};
        private int warmupBatches = 2;
        private int documentsPerSize = Integer.MAX_VALUE;
        private Duration timeBudgetPerSize = Duration.ofSeconds(60);

        private Builder() {
        }

        /** Batch sizes to measure, in order; default 1, 8, 32. */
        public Builder optBatchSizes(int... batchSizes) {
            if (batchSizes.length == 0 || Arrays.stream(batchSizes).anyMatch(b -> b < 1)) {
                throw new IllegalArgumentException("batch sizes must be positive and at least one: "
                        + Arrays.toString(batchSizes));
            }
            this.batchSizes = batchSizes.clone();
            return this;
        }

        /** Unmeasured batches before each size; default 2. */
        public Builder optWarmupBatches(int warmupBatches) {
            if (warmupBatches < 0) {
                throw new IllegalArgumentException("warmupBatches must not be negative, got " + warmupBatches);
            }
            this.warmupBatches = warmupBatches;
            return this;
        }

        /** Documents measured per size (texts are reused when there are fewer); default unlimited. */
        public Builder optDocumentsPerSize(int documentsPerSize) {
            if (documentsPerSize < 1) {
                throw new IllegalArgumentException("documentsPerSize must be positive, got " + documentsPerSize);
            }
            this.documentsPerSize = documentsPerSize;
            return this;
        }

        /** Wall time after which a size stops measuring (the batch in flight finishes); default 60 s. */
        public Builder optTimeBudgetPerSize(Duration timeBudgetPerSize) {
            if (timeBudgetPerSize.isNegative() || timeBudgetPerSize.isZero()) {
                throw new IllegalArgumentException("timeBudgetPerSize must be positive, got " + timeBudgetPerSize);
            }
            this.timeBudgetPerSize = timeBudgetPerSize;
            return this;
        }

        public EncoderBenchmark build() {
            return new EncoderBenchmark(this);
        }
    }
}
