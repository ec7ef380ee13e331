package io.dsistream.pipelines.train;

import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.training.TrainingOptions;
import java.nio.file.Path;

/**
 * What one {@code dsi train} run does, parsed once from the command line.
 *
 * @param maxLength   encoder input length for the document vectors (the same as {@code dsi eval}'s, so the
 *                    embedding cache is shared)
 */
public record TrainSettings(Path dataset, Path out, String name, EncoderSpec encoder, int maxLength, int batchSize,
                            TrainingOptions training, boolean showProgress, Path cacheDirectory) {
}
