package io.dsistream.models.adapters;

import java.util.Arrays;

/**
 * A frozen weight matrix as 4-bit NormalFloat codes (QLoRA, Dettmers et al. 2023, section 3): the weights are cut
 * into blocks of {@code blockSize}, each block divided by its absolute maximum and every value replaced by the
 * nearest of the 16 NF4 levels (the quantiles of N(0, 1) scaled to [-1, 1], with an exact zero). Two codes share a
 * byte. With double quantisation (QLoRA section 3, "Double Quantization") the FP32 absmax scales are themselves
 * stored as 8-bit values: centred on their mean, then symmetric int8 in groups of 256 with one FP32 scale per group.
 *
 * <p>Only the codes and scales are held, never the FP32 matrix: {@link #dequantize()} rebuilds it on demand.
 */
public final class Nf4Tensor {

    /** QLoRA's NF4 levels (bitsandbytes {@code NF4} table), ascending; index = code. */
    static final float[] LEVELS = {
        -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f, -0.28444138169288635f,
        -0.18477343022823334f, -0.09105003625154495f, 0.0f, 0.07958029955625534f, 0.16093020141124725f,
        0.24611230194568634f, 0.33791524171829224f, 0.44070982933044434f, 0.5626170039176941f,
        0.7229568362236023f, 1.0f};

    /** Scales per second-level group under double quantisation (QLoRA uses 256). */
    static final int SCALE_GROUP = 256;

    private static final float[] MIDPOINTS = new float[LEVELS.length - 1];

    static {
        for (int i = 0; i < MIDPOINTS.length; i++) {
            MIDPOINTS[i] = (LEVELS[i] + LEVELS[i + 1]) / 2f;
        }
    }

    private final long[] shape;
    private final int size;
    private final int blockSize;
    private final byte[] codes;          // two 4-bit codes per byte, low nibble first
    private final float[] scales;        // FP32 absmax per block; null under double quantisation
    private final byte[] scaleCodes;     // int8 (absmax − mean) per block; null without double quantisation
    private final float[] groupScales;   // FP32 absmax of the centred scales per group of SCALE_GROUP
    private final float scaleMean;

    private Nf4Tensor(long[] shape, int size, int blockSize, byte[] codes, float[] scales, byte[] scaleCodes,
                      float[] groupScales, float scaleMean) {
        this.shape = shape;
        this.size = size;
        this.blockSize = blockSize;
        this.codes = codes;
        this.scales = scales;
        this.scaleCodes = scaleCodes;
        this.groupScales = groupScales;
        this.scaleMean = scaleMean;
    }

    /**
     * Quantises {@code values} (row-major, of {@code shape}) in blocks of {@code blockSize}.
     *
     * @throws IllegalArgumentException if the shape does not hold {@code values.length} elements
     */
    public static Nf4Tensor quantize(float[] values, long[] shape, int blockSize, boolean doubleQuantization) {
        long expected = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        if (expected != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + expected
                    + " values, got " + values.length);
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("blockSize must be at least 1, got " + blockSize);
        }
        int blocks = (values.length + blockSize - 1) / blockSize;
        float[] absmax = new float[blocks];
        byte[] codes = new byte[(values.length + 1) / 2];
        for (int block = 0; block < blocks; block++) {
            int from = block * blockSize;
            int to = Math.min(values.length, from + blockSize);
            float max = 0f;
            for (int i = from; i < to; i++) {
                max = Math.max(max, Math.abs(values[i]));
            }
            absmax[block] = max;
            for (int i = from; i < to; i++) {
                int code = nearestLevel(max == 0f ? 0f : values[i] / max);
                codes[i >> 1] |= (byte) ((i & 1) == 0 ? code : code << 4);
            }
        }
        if (!doubleQuantization) {
            return new Nf4Tensor(shape.clone(), values.length, blockSize, codes, absmax, null, null, 0f);
        }
        double sum = 0;
        for (float scale : absmax) {
            sum += scale;
        }
        float mean = (float) (sum / blocks);
        int groups = (blocks + SCALE_GROUP - 1) / SCALE_GROUP;
        float[] groupScales = new float[groups];
        byte[] scaleCodes = new byte[blocks];
        for (int group = 0; group < groups; group++) {
            int from = group * SCALE_GROUP;
            int to = Math.min(blocks, from + SCALE_GROUP);
            float max = 0f;
            for (int b = from; b < to; b++) {
                max = Math.max(max, Math.abs(absmax[b] - mean));
            }
            groupScales[group] = max;
            for (int b = from; b < to; b++) {
                scaleCodes[b] = (byte) (max == 0f ? 0 : Math.round((absmax[b] - mean) / max * 127f));
            }
        }
        return new Nf4Tensor(shape.clone(), values.length, blockSize, codes, null, scaleCodes, groupScales, mean);
    }

    /** Index of the NF4 level nearest to {@code x} in [-1, 1]. */
    static int nearestLevel(float x) {
        int code = 0;
        while (code < MIDPOINTS.length && x > MIDPOINTS[code]) {
            code++;
        }
        return code;
    }

    /** The absmax scale of {@code block} as de-quantisation uses it (after double quantisation, if any). */
    public float blockScale(int block) {
        if (scales != null) {
            return scales[block];
        }
        return scaleCodes[block] / 127f * groupScales[block / SCALE_GROUP] + scaleMean;
    }

    /** The FP32 values, row-major: {@code level(code) · absmax(block)}. */
    public float[] dequantize() {
        float[] out = new float[size];
        int blocks = blockCount();
        for (int block = 0; block < blocks; block++) {
            float scale = blockScale(block);
            int to = Math.min(size, (block + 1) * blockSize);
            for (int i = block * blockSize; i < to; i++) {
                int code = (i & 1) == 0 ? codes[i >> 1] & 0x0F : (codes[i >> 1] >> 4) & 0x0F;
                out[i] = LEVELS[code] * scale;
            }
        }
        return out;
    }

    /**
     * Rows {@code rows[0]}, {@code rows[1]}, … of a 2-D tensor {@code (R, C)}, de-quantised one after another into
     * {@code (rows.length, C)} row-major: an embedding lookup that touches only the codes of the gathered rows.
     * Equal to gathering the same rows from {@link #dequantize()}, element for element.
     *
     * @throws IllegalStateException if the tensor is not 2-D
     * @throws IllegalArgumentException naming the first row index outside {@code [0, R)}
     */
    public float[] dequantizeRows(long[] rows) {
        if (shape.length != 2) {
            throw new IllegalStateException("row lookup needs a 2-D tensor, this one has shape " + Arrays.toString(shape));
        }
        int rowCount = Math.toIntExact(shape[0]);
        int columns = Math.toIntExact(shape[1]);
        float[] out = new float[Math.multiplyExact(rows.length, columns)];
        for (int r = 0; r < rows.length; r++) {
            long row = rows[r];
            if (row < 0 || row >= rowCount) {
                throw new IllegalArgumentException("row index " + row + " at position " + r
                        + " is outside the table's " + rowCount + " rows");
            }
            int from = (int) row * columns;
            int to = from + columns;
            int offset = r * columns - from;
            // a row may start and end inside a block when C is not a multiple of the block size
            for (int block = from / blockSize; block * blockSize < to; block++) {
                float scale = blockScale(block);
                int end = Math.min(to, (block + 1) * blockSize);
                for (int i = Math.max(from, block * blockSize); i < end; i++) {
                    int code = (i & 1) == 0 ? codes[i >> 1] & 0x0F : (codes[i >> 1] >> 4) & 0x0F;
                    out[offset + i] = LEVELS[code] * scale;
                }
            }
        }
        return out;
    }

    /**
     * The largest error quantisation can make on element {@code i} of the original {@code values}: half the gap
     * between the two NF4 levels around {@code values[i]/absmax} times the block's absmax (round to nearest), plus,
     * under double quantisation, the error of the stored scale (|level| ≤ 1).
     */
    public double errorBound(float[] values, int i) {
        int block = i / blockSize;
        int from = block * blockSize;
        int to = Math.min(values.length, from + blockSize);
        float absmax = 0f;
        for (int j = from; j < to; j++) {
            absmax = Math.max(absmax, Math.abs(values[j]));
        }
        if (absmax == 0f) {
            return 1e-12; // an all-zero block is stored as code 0.0 exactly
        }
        float x = values[i] / absmax;
        int upper = 1;
        while (upper < LEVELS.length - 1 && LEVELS[upper] < x) {
            upper++;
        }
        double halfGap = (LEVELS[upper] - LEVELS[upper - 1]) / 2.0;
        return halfGap * absmax + Math.abs(blockScale(block) - absmax) + 1e-7 * absmax;
    }

    /** Largest half-gap between adjacent NF4 levels (between -1 and the next level): the worst case per unit absmax. */
    public static double maxHalfGap() {
        double max = 0;
        for (int i = 1; i < LEVELS.length; i++) {
            max = Math.max(max, (LEVELS[i] - LEVELS[i - 1]) / 2.0);
        }
        return max;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int size() {
        return size;
    }

    public int blockSize() {
        return blockSize;
    }

    public int blockCount() {
        return (size + blockSize - 1) / blockSize;
    }

    public boolean doubleQuantized() {
        return scales == null;
    }

    /** Bytes held: packed codes plus the scales (FP32, or int8 with one FP32 per group and the mean). */
    public long heldBytes() {
        long scaleBytes = scales != null ? 4L * scales.length : scaleCodes.length + 4L * groupScales.length + 4;
        return codes.length + scaleBytes;
    }

    /** Bytes the same values take as FP32. */
    public long fp32Bytes() {
        return 4L * size;
    }
}
