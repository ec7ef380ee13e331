package io.dsistream.models.adapters;

import io.dsistream.models.encoder.BertEncoderBlock;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hyper-parameters of a LoRA-family adapter, immutable; build with {@link #builder(AdapterKind)}. Defaults are the
 * DSI + PEFT report's: rank 8, α 32, dropout 0.1, on the attention query, key, value and output projections.
 * Written into every adapter file ({@link #toMap()}) and read back from it ({@link #fromMap}).
 */
public final class AdapterOptions {

    private final AdapterKind kind;
    private final int rank;
    private final float alpha;
    private final float dropout;
    private final List<String> targets;
    private final long seed;
    private final int convKernel;
    private final int nf4BlockSize;
    private final boolean doubleQuantization;
    private final int initRank;
    private final int targetRank;
    private final int tInit;
    private final int tFinal;
    private final int deltaT;
    private final float beta1;
    private final float beta2;
    private final float orthogonality;

    private AdapterOptions(Builder b) {
        this.kind = b.kind;
        this.rank = b.rank;
        this.alpha = b.alpha;
        this.dropout = b.dropout;
        this.targets = List.copyOf(b.targets);
        this.seed = b.seed;
        this.convKernel = b.convKernel;
        this.nf4BlockSize = b.nf4BlockSize;
        this.doubleQuantization = b.doubleQuantization;
        this.initRank = b.initRank;
        this.targetRank = b.targetRank;
        this.tInit = b.tInit;
        this.tFinal = b.tFinal;
        this.deltaT = b.deltaT;
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.orthogonality = b.orthogonality;
    }

    /** Defaults for {@code kind}. */
    public static Builder builder(AdapterKind kind) {
        return new Builder(kind);
    }

    public AdapterKind kind() {
        return kind;
    }

    /** r of LoRA, QLoRA and ConvLoRA; AdaLoRA uses {@link #initRank()} and {@link #targetRank()}. */
    public int rank() {
        return rank;
    }

    public float alpha() {
        return alpha;
    }

    /** The α/r factor of the low-rank update (AdaLoRA: α / init_r). */
    public float scaling() {
        return alpha / (kind == AdapterKind.ADALORA ? initRank : rank);
    }

    /** Dropout on the adapter's input while training. */
    public float dropout() {
        return dropout;
    }

    /** Projection paths relative to a layer, e.g. {@code attention.self.query}. */
    public List<String> targets() {
        return targets;
    }

    public long seed() {
        return seed;
    }

    /** ConvLoRA's depthwise kernel size over the sequence (odd, so the output keeps the length). */
    public int convKernel() {
        return convKernel;
    }

    /** QLoRA: weights per absmax block. */
    public int nf4BlockSize() {
        return nf4BlockSize;
    }

    /** QLoRA: whether the absmax scales are themselves quantised to 8 bits. */
    public boolean doubleQuantization() {
        return doubleQuantization;
    }

    public int initRank() {
        return initRank;
    }

    public int targetRank() {
        return targetRank;
    }

    /** AdaLoRA: steps of warm-up at the full budget before pruning starts. */
    public int tInit() {
        return tInit;
    }

    /** AdaLoRA: the step at which the budget has reached {@code targetRank} per matrix, and stays. */
    public int tFinal() {
        return tFinal;
    }

    /** AdaLoRA: steps between two budget reallocations. */
    public int deltaT() {
        return deltaT;
    }

    /** AdaLoRA eq. 8: smoothing of the sensitivity. */
    public float beta1() {
        return beta1;
    }

    /** AdaLoRA eq. 9: smoothing of the uncertainty. */
    public float beta2() {
        return beta2;
    }

    /** AdaLoRA eq. 4: weight γ of the orthogonality regulariser. */
    public float orthogonality() {
        return orthogonality;
    }

    /** Every hyper-parameter by name, as an adapter file records it. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("kind", kind.cliName());
        map.put("rank", rank);
        map.put("alpha", alpha);
        map.put("dropout", dropout);
        map.put("targets", targets);
        map.put("seed", seed);
        map.put("convKernel", convKernel);
        map.put("nf4BlockSize", nf4BlockSize);
        map.put("doubleQuantization", doubleQuantization);
        map.put("initRank", initRank);
        map.put("targetRank", targetRank);
        map.put("tInit", tInit);
        map.put("tFinal", tFinal);
        map.put("deltaT", deltaT);
        map.put("beta1", beta1);
        map.put("beta2", beta2);
        map.put("orthogonality", orthogonality);
        return map;
    }

    /**
     * The options {@link #toMap()} wrote.
     *
     * @throws IllegalArgumentException naming a missing or malformed field
     */
    @SuppressWarnings("unchecked")
    public static AdapterOptions fromMap(Map<String, ?> map) {
        Builder b = builder(AdapterKind.fromName(String.valueOf(required(map, "kind"))));
        b.optRank(number(map, "rank").intValue()).optAlpha(number(map, "alpha").floatValue())
                .optDropout(number(map, "dropout").floatValue())
                .optTargets((List<String>) required(map, "targets")).optSeed(number(map, "seed").longValue())
                .optConvKernel(number(map, "convKernel").intValue())
                .optNf4BlockSize(number(map, "nf4BlockSize").intValue())
                .optDoubleQuantization(Boolean.TRUE.equals(required(map, "doubleQuantization")))
                .optRankBudget(number(map, "initRank").intValue(), number(map, "targetRank").intValue())
                .optBudgetSchedule(number(map, "tInit").intValue(), number(map, "tFinal").intValue(),
                        number(map, "deltaT").intValue())
                .optImportanceSmoothing(number(map, "beta1").floatValue(), number(map, "beta2").floatValue())
                .optOrthogonality(number(map, "orthogonality").floatValue());
        return b.build();
    }

    private static Object required(Map<String, ?> map, String field) {
        Object value = map.get(field);
        if (value == null) {
            throw new IllegalArgumentException("adapter hyper-parameters lack the field '" + field + "'");
        }
        return value;
    }

    private static Number number(Map<String, ?> map, String field) {
        Object value = required(map, field);
        if (!(value instanceof Number n)) {
            throw new IllegalArgumentException("adapter hyper-parameter '" + field + "' is not a number: " + value);
        }
        return n;
    }

    @Override
    public String toString() {
        return "AdapterOptions" + toMap();
    }

    /** Builder; every value has the report's default. */
    public static final class Builder {

        private final AdapterKind kind;
        private int rank = 8;
        private float alpha = 32f;
        private float dropout = 0.1f;
        private List<String> targets = BertEncoderBlock.ATTENTION_PROJECTIONS;
        private long seed = 42;
        private int convKernel = 3;
        private int nf4BlockSize = 64;
        private boolean doubleQuantization = true;
        private int initRank = 12;
        private int targetRank = 8;
        private int tInit = 0;
        private int tFinal = 100;
        private int deltaT = 10;
        private float beta1 = 0.85f;
        private float beta2 = 0.85f;
        private float orthogonality = 0.1f;

        private Builder(AdapterKind kind) {
            if (kind == null) {
                throw new IllegalArgumentException("adapter kind must not be null");
            }
            this.kind = kind;
        }

        public Builder optRank(int rank) {
            positive("rank", rank);
            this.rank = rank;
            return this;
        }

        public Builder optAlpha(float alpha) {
            this.alpha = alpha;
            return this;
        }

        public Builder optDropout(float dropout) {
            if (dropout < 0 || dropout >= 1) {
                throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
            }
            this.dropout = dropout;
            return this;
        }

        public Builder optTargets(List<String> targets) {
            if (targets == null || targets.isEmpty()) {
                throw new IllegalArgumentException("targets must name at least one projection");
            }
            this.targets = targets;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder optConvKernel(int convKernel) {
            if (convKernel < 1 || convKernel % 2 == 0) {
                throw new IllegalArgumentException("convKernel must be odd and positive, got " + convKernel);
            }
            this.convKernel = convKernel;
            return this;
        }

        public Builder optNf4BlockSize(int nf4BlockSize) {
            positive("nf4BlockSize", nf4BlockSize);
            this.nf4BlockSize = nf4BlockSize;
            return this;
        }

        public Builder optDoubleQuantization(boolean doubleQuantization) {
            this.doubleQuantization = doubleQuantization;
            return this;
        }

        /** AdaLoRA: ranks per matrix at the start and at the end of budget pruning. */
        public Builder optRankBudget(int initRank, int targetRank) {
            positive("initRank", initRank);
            positive("targetRank", targetRank);
            if (targetRank > initRank) {
                throw new IllegalArgumentException("targetRank " + targetRank + " exceeds initRank " + initRank);
            }
            this.initRank = initRank;
            this.targetRank = targetRank;
            return this;
        }

        /** AdaLoRA: prune from step {@code tInit} to step {@code tFinal}, reallocating every {@code deltaT} steps. */
        public Builder optBudgetSchedule(int tInit, int tFinal, int deltaT) {
            if (tInit < 0 || tFinal <= tInit) {
                throw new IllegalArgumentException("need 0 <= tInit < tFinal, got tInit " + tInit + ", tFinal " + tFinal);
            }
            positive("deltaT", deltaT);
            this.tInit = tInit;
            this.tFinal = tFinal;
            this.deltaT = deltaT;
            return this;
        }

        public Builder optImportanceSmoothing(float beta1, float beta2) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            return this;
        }

        public Builder optOrthogonality(float orthogonality) {
            this.orthogonality = orthogonality;
            return this;
        }

        public AdapterOptions build() {
            return new AdapterOptions(this);
        }

        private static void positive(String field, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(field + " must be at least 1, got " + value);
            }
        }
    }
}
