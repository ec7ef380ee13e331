package io.dsistream.models.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;

import java.util.Random;

/**
 * Draws weights from N(0, sigma²) with a Java {@link Random} of its own, so a decoder built with the same seed has
 * the same weights on every engine, thread and machine (the engine's global generator is shared and
 * engine-specific). Parameters are initialised in block order, one draw stream for all of them.
 */
final class SeededNormalInitializer implements Initializer {

    private final Random random;
    private final double sigma;

    SeededNormalInitializer(long seed, double sigma) {
        this.random = new Random(seed);
        this.sigma = sigma;
    }

    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * sigma);
        }
        return manager.create(values, shape).toType(dataType, false);
    }
}
