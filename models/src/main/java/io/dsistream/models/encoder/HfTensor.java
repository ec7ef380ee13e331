package io.dsistream.models.encoder;

import java.util.Arrays;

/**
 * A float tensor under its Hugging Face parameter name, in Hugging Face layout (Linear weights {@code (out, in)}).
 *
 * @param name  Hugging Face name, e.g. {@code encoder.layer.0.attention.self.query.weight}
 * @param shape dimensions, outermost first
 * @param data  row-major values
 */
public record HfTensor(String name, long[] shape, float[] data) {

    public HfTensor {
        long size = 1;
        for (long d : shape) {
            size *= d;
        }
        if (size != data.length) {
            throw new IllegalArgumentException("tensor " + name + " has shape " + Arrays.toString(shape)
                    + " but " + data.length + " values");
        }
    }
}
