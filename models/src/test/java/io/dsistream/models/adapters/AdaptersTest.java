package io.dsistream.models.adapters;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.dsistream.models.encoder.BertConfig;
import io.dsistream.models.encoder.BertEncoderBlock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The LoRA family on a tiny random BERT: identity at start, merge, NF4 base, AdaLoRA budget, ConvLoRA, files. */
class AdaptersTest {

    private static final BertConfig TINY = new BertConfig(2, 16, 2, 32, 30, 16, 2, 1e-12f);
    private static final long[][] IDS = {{3, 4, 5, 6, 7}, {8, 9, 10, 0, 0}};
    private static final long[][] MASK = {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}};

    private NDManager manager;
    private BertEncoderBlock bert;

    @BeforeEach
    void build() {
        manager = NDManager.newBaseManager("PyTorch");
        bert = tinyBert(manager, 11);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void loraWithZeroBLeavesTheOutputUnchanged() {
        float[] before = forward(bert);
        EncoderAdapters lora = EncoderAdapters.attach(bert, manager, options(AdapterKind.LORA), "tiny");

        assertEquals(2 * 4, lora.adapters().size());
        assertArrayEquals(before, forward(bert), 1e-6f);
        randomize(lora, "lora_B", 1);
        assertFalse(maxDifference(before, forward(bert)) < 1e-4, "a trained B changes the output");
    }

    @Test
    void loraTrainsUnderOnePercentOfAMiniLmSizedEncoder() {
        // MiniLM-L6: per layer 4 projections of 384 → 384; LoRA r = 8 adds 8·(384 + 384) each.
        long lora = 6L * 4 * 8 * (384 + 384);
        long miniLm = 22_713_216L; // hfParameters of all-MiniLM-L6-v2
        assertTrue((double) lora / miniLm <= 0.01, lora + " of " + miniLm);
        EncoderAdapters tiny = EncoderAdapters.attach(bert, manager, options(AdapterKind.LORA), "tiny");
        assertEquals(2L * 4 * 8 * (16 + 16), tiny.trainableParameterCount());
    }

    @Test
    void mergedAndUnmergedForwardPassesAgree() {
        for (AdapterKind kind : List.of(AdapterKind.LORA, AdapterKind.ADALORA, AdapterKind.QLORA)) {
            NDManager scope = manager.newSubManager();
            BertEncoderBlock model = tinyBert(scope, 5);
            EncoderAdapters adapters = EncoderAdapters.attach(model, scope, options(kind), "tiny");
            // a trained adapter's scale (|ΔW| well below |W|); far larger updates amplify FP32 rounding past 1e-5
            randomize(adapters, kind == AdapterKind.ADALORA ? "lora_E" : "lora_B", 2, 0.05);
            float[] unmerged = forward(model);

            adapters.merge();
            float[] merged = forward(model);
            adapters.unmerge();
            float[] again = forward(model);

            assertArrayEquals(unmerged, merged, 1e-5f, kind + " merged");
            assertArrayEquals(unmerged, again, 1e-5f, kind + " unmerged again");
            assertTrue(adapters.adapters().values().stream().noneMatch(AdaptedLinear::isMerged));
            scope.close();
        }
    }

    @Test
    void qloraHoldsItsBaseProjectionsAsNf4() {
        float[] before = forward(bert);
        EncoderAdapters qlora = EncoderAdapters.attach(bert, manager, options(AdapterKind.QLORA), "tiny");

        long[] bytes = qlora.quantizedLinearBytes();
        assertTrue(bytes[0] <= 0.3 * bytes[1], "NF4 projections hold " + bytes[0] + " of " + bytes[1] + " bytes");
        assertTrue(qlora.baseWeightBytes() < qlora.baseFp32Bytes());
        // every Linear of every layer is NF4 now (6 per layer), 4 of them with an adapter
        assertEquals(2 * 4, qlora.adapters().size());
        assertInstanceOf(QLoraLinear.class, bert.find("encoder.layer.1.intermediate.dense"));
        float[] after = forward(bert);
        double scale = 0;
        for (float value : before) {
            scale = Math.max(scale, Math.abs(value));
        }
        // post-LayerNorm outputs of a 4-bit model: close to, not equal to, the FP32 ones
        assertTrue(maxDifference(before, after) < 0.5 * scale, "difference " + maxDifference(before, after));
        assertTrue(maxDifference(before, after) > 0, "the base really is quantised");
    }

    @Test
    void convLoraKeepsShapesAndEqualsThePlainLayerWhileItsBIsZero() {
        float[] before = forward(bert);
        EncoderAdapters conv = EncoderAdapters.attach(bert, manager,
                AdapterOptions.builder(AdapterKind.CONVLORA).optConvKernel(5).build(), "tiny");
        assertArrayEquals(before, forward(bert), 1e-6f);

        ConvLoraLinear layer = (ConvLoraLinear) conv.adapters().get("encoder.layer.0.attention.self.value");
        assertEquals(new Shape(16, 1, 5), layer.convWeight().getArray().getShape());
        NDArray x = manager.randomNormal(new Shape(2, 5, 16));
        NDArray y = layer.forward(new ParameterStore(manager, false), new NDList(x), false).head();
        assertEquals(new Shape(2, 5, 16), y.getShape());

        randomize(conv, "lora_B", 3);
        assertFalse(maxDifference(before, forward(bert)) < 1e-4);
        assertThrows(UnsupportedOperationException.class, conv::merge);
    }

    @Test
    void adaLoraReachesItsTargetRankByTFinal() {
        AdapterOptions options = AdapterOptions.builder(AdapterKind.ADALORA).optRankBudget(6, 2)
                .optBudgetSchedule(2, 8, 2).optDropout(0f).build();
        EncoderAdapters ada = EncoderAdapters.attach(bert, manager, options, "tiny");
        AdaLoraBudget budget = ada.budget().orElseThrow();
        assertEquals(8 * 6, budget.budgetAt(0));
        assertEquals(8 * 6, budget.budgetAt(1));
        // eq. 12 at t = 5: 16 + 32·(1 − 3/6)³ = 20
        assertEquals(20, budget.budgetAt(5));
        assertEquals(8 * 2, budget.budgetAt(8));

        Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-2f)).build();
        for (int step = 0; step <= 9; step++) {
            try (NDManager scope = manager.newSubManager()) {
                try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDList inputs = new NDList(scope.create(IDS), scope.create(MASK));
                    NDArray hidden = bert.forward(new ParameterStore(scope, false), inputs, true).head();
                    NDArray loss = hidden.get(":, 0, 0").sum().add(ada.regularization(scope).orElseThrow());
                    collector.backward(loss);
                }
                ada.afterBackward(step);
                for (Parameter parameter : ada.trainableParameters()) {
                    try (NDArray gradient = parameter.getArray().getGradient()) {
                        adam.update(parameter.getId(), parameter.getArray(), gradient);
                        gradient.subi(gradient);
                    }
                }
            }
            if (step == 1) {
                assertEquals(6.0, budget.meanActiveRank(), 1e-9, "full rank before t_init");
            }
            if (step == 4) {
                assertTrue(budget.meanActiveRank() < 6 && budget.meanActiveRank() > 2, "pruning under way");
            }
        }
        assertTrue(budget.finished());
        assertEquals(2.0, budget.meanActiveRank(), 1e-9, "target_r on average at t_final");
        assertEquals(16, budget.totalActiveRank());
    }

    @Test
    void savedAdapterLoadsIntoAFreshEncoderWithIdenticalOutputs(@TempDir Path directory) throws Exception {
        for (AdapterKind kind : AdapterKind.values()) {
            NDManager scope = manager.newSubManager();
            BertEncoderBlock trained = tinyBert(scope, 21);
            BertEncoderBlock fresh = tinyBert(scope, 21);
            AdapterOptions options = AdapterOptions.builder(kind).optSeed(1).optRank(4).build();
            EncoderAdapters adapters = EncoderAdapters.attach(trained, scope, options, "tiny");
            randomize(adapters, kind == AdapterKind.ADALORA ? "lora_E" : "lora_B", 4);
            Path file = directory.resolve(kind.cliName() + ".adapter");
            adapters.save(file);

            EncoderAdapters loaded = EncoderAdapters.load(fresh, scope, "tiny", file);

            assertEquals(kind, loaded.options().kind());
            assertEquals(options.toMap(), loaded.options().toMap());
            assertArrayEquals(forward(trained), forward(fresh), 0f, kind.cliName());
            IllegalArgumentException wrongBase = assertThrows(IllegalArgumentException.class,
                    () -> EncoderAdapters.load(tinyBert(scope, 21), scope, "bge-small", file));
            assertTrue(wrongBase.getMessage().contains("tiny"), wrongBase.getMessage());
            scope.close();
        }
    }

    private static BertEncoderBlock tinyBert(NDManager manager, long seed) {
        Engine.getEngine("PyTorch").setRandomSeed((int) seed);
        BertEncoderBlock block = new BertEncoderBlock(TINY);
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 4), new Shape(1, 4));
        return block;
    }

    private static AdapterOptions options(AdapterKind kind) {
        return AdapterOptions.builder(kind).optNf4BlockSize(16).build();
    }

    /** Fills every adapter array called {@code name} with seeded Gaussian values (as if trained). */
    private static void randomize(EncoderAdapters adapters, String name, long seed) {
        randomize(adapters, name, seed, 0.5);
    }

    private static void randomize(EncoderAdapters adapters, String name, long seed, double sigma) {
        Random random = new Random(seed);
        for (Map.Entry<String, Parameter> entry : adapters.state().entrySet()) {
            if (entry.getKey().endsWith("." + name)) {
                NDArray array = entry.getValue().getArray();
                float[] values = new float[Math.toIntExact(array.size())];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (random.nextGaussian() * sigma);
                }
                array.set(values);
            }
        }
    }

    private float[] forward(BertEncoderBlock model) {
        try (NDManager scope = manager.newSubManager()) {
            NDList inputs = new NDList(scope.create(IDS), scope.create(MASK));
            return model.forward(new ParameterStore(scope, false), inputs, false).head().toFloatArray();
        }
    }

    private static double maxDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
