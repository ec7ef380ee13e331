package io.dsistream.models.adapters;

import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.encoder.TextEncoder;
import io.dsistream.models.eval.BeirDataset;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contrastive loop on MiniLM and real SciFact pairs: what trains, what stays frozen, the loss falls. */
class DenseRetrieverFineTunerTest {

    @Test
    void loraLowersTheInBatchLossOnAFixedBatchAndLeavesTheBaseUntouched() throws Exception {
        BeirDataset scifact = BeirDataset.load(Path.of(System.getProperty("dsi.shared.dir"), "data", "scifact"));
        TrainingPairs all = TrainingPairs.fromQrels(scifact, "train", 0.1, 42);
        // 8 pairs used as both training and validation set: a memorisation check of the training path.
        List<TrainingPair> eight = all.train().subList(0, 8);
        TrainingPairs pairs = new TrainingPairs(eight, eight);
        FineTuningOptions options = FineTuningOptions.defaults().withSteps(6).withBatchSize(8)
                .withMaxLengths(32, 64).withLearningRates(2e-5f, 3e-3f).withProgress(false);
        try (TextEncoder encoder = TextEncoder.load(EncoderSpec.MINILM)) {
            float[] frozenQuery = encoder.block().hfParameters("").get("encoder.layer.0.intermediate.dense.weight")
                    .getArray().toFloatArray();
            DenseRetrieverFineTuner tuner = new DenseRetrieverFineTuner(encoder, options);

            FineTuningResult result = tuner.run(FineTuningTechnique.LORA, null, pairs);

            assertEquals(6L * 4 * 8 * (384 + 384), result.trainableParameters());
            assertTrue((double) result.trainableParameters() / (result.baseFp32Bytes() / 4) <= 0.01,
                    "LoRA trains at most 1% of the encoder");
            assertTrue(result.lastLoss() < result.firstLoss(), "loss " + result.firstLoss() + " → " + result.lastLoss());
            assertTrue(result.validationLoss() < result.firstLoss(),
                    "validation loss " + result.validationLoss() + " vs first " + result.firstLoss());
            assertArrayEquals(frozenQuery, encoder.block().hfParameters("")
                    .get("encoder.layer.0.intermediate.dense.weight").getArray().toFloatArray(), 0f, "base frozen");
            LoraLinear query = (LoraLinear) tuner.adapters().orElseThrow().adapters()
                    .get("encoder.layer.0.attention.self.query");
            float[] b = query.loraB().getArray().toFloatArray();
            boolean moved = false;
            for (float value : b) {
                moved |= value != 0f;
            }
            assertTrue(moved, "B was trained");
            assertFalse(Double.isNaN(result.validationLoss()));
        }
    }
}
