package io.dsistream.models.encoder;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The BERT blocks on a tiny random model: names, masking, replaceable projections, gradients. */
class BertEncoderBlockTest {

    private static final BertConfig TINY = new BertConfig(2, 8, 2, 16, 30, 16, 2, 1e-12f);

    private NDManager manager;
    private BertEncoderBlock bert;

    @BeforeEach
    void build() {
        manager = NDManager.newBaseManager("PyTorch");
        bert = new BertEncoderBlock(TINY);
        bert.initialize(manager, DataType.FLOAT32, new Shape(1, 4), new Shape(1, 4));
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void everyParameterAnswersToItsHuggingFaceName() {
        Map<String, Parameter> parameters = bert.hfParameters("");

        // 5 embedding tensors + per layer: Q, K, V, attention output, its LayerNorm, intermediate, output, its
        // LayerNorm = 8 modules x (weight, bias).
        assertEquals(5 + 2 * 16, parameters.size());
        assertEquals(bert.getParameters().size(), parameters.size());
        assertArrayEquals(new long[] {30, 8},
                parameters.get("embeddings.word_embeddings.weight").getArray().getShape().getShape());
        assertArrayEquals(new long[] {16, 8},
                parameters.get("encoder.layer.1.intermediate.dense.weight").getArray().getShape().getShape());
        assertArrayEquals(new long[] {8, 16},
                parameters.get("encoder.layer.1.output.dense.weight").getArray().getShape().getShape());
        assertTrue(parameters.containsKey("encoder.layer.0.attention.output.LayerNorm.bias"));
    }

    @Test
    void paddingDoesNotChangeTheRealTokens() {
        NDArray padded = forward(new long[][] {{5, 6, 7, 8}, {5, 6, 0, 0}}, new long[][] {{1, 1, 1, 1}, {1, 1, 0, 0}});
        NDArray alone = forward(new long[][] {{5, 6}}, new long[][] {{1, 1}});

        assertArrayEquals(alone.get(0).toFloatArray(), padded.get(new NDIndex("1, 0:2")).toFloatArray(), 1e-5f);
    }

    @Test
    void attentionProjectionsCanBeWrappedAndTrained() {
        assertEquals(8, bert.attentionProjectionPaths().size());
        String path = "encoder.layer.0.attention.self.value";
        assertInstanceOf(Linear.class, bert.find(path));
        long[][] ids = {{3, 4, 5}};
        long[][] mask = {{1, 1, 1}};
        float[] before = forward(ids, mask).toFloatArray();

        Scaled wrapper = (Scaled) bert.replace(path, Scaled::new);
        wrapper.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 8));

        assertSame(wrapper, bert.find(path));
        assertTrue(bert.getParameters().keys().stream().anyMatch(key -> key.endsWith("scale")),
                "the wrapper's parameter is visible to a trainer");
        assertArrayEquals(before, forward(ids, mask).toFloatArray(), 1e-6f, "scale 1 changes nothing");

        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDList inputs = new NDList(manager.create(ids), manager.create(mask));
            NDArray hidden = bert.forward(new ParameterStore(manager, false), inputs, true).head();
            collector.backward(hidden.mul(hidden).sum());
        }
        assertTrue(wrapper.scale.getArray().getGradient().abs().sum().getFloat() > 0, "adapter gets a gradient");
        NDArray queryGradient = bert.hfParameters("").get("encoder.layer.0.attention.self.query.weight")
                .getArray().getGradient();
        assertTrue(queryGradient.abs().sum().getFloat() > 0, "base weights get a gradient too");

        wrapper.scale.getArray().set(new float[] {0f});
        assertTrue(Math.abs(forward(ids, mask).toFloatArray()[0] - before[0]) > 1e-6, "the wrapper is called");
    }

    @Test
    void unknownPathIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bert.find("encoder.layer.7.attention.self.query"));
        assertTrue(e.getMessage().contains("encoder.layer.7.attention.self.query"), e.getMessage());
    }

    private NDArray forward(long[][] ids, long[][] mask) {
        NDList inputs = new NDList(manager.create(ids), manager.create(mask));
        return bert.forward(new ParameterStore(manager, false), inputs, false).head();
    }

    /** A stand-in adapter: the wrapped projection's output times a trainable scalar. */
    private static final class Scaled extends AbstractBlock {

        private final Block base;
        private final Parameter scale;

        Scaled(Block base) {
            this.base = addChildBlock("base", base);
            this.scale = addParameter(Parameter.builder().setName("scale").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(1)).optInitializer(new ConstantInitializer(1f)).build());
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            if (!base.isInitialized()) {
                base.initialize(manager, dataType, inputShapes);
            }
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            NDArray projected = base.forward(store, inputs, training, params).head();
            return new NDList(projected.mul(store.getValue(scale, projected.getDevice(), training)));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return base.getOutputShapes(inputShapes);
        }
    }
}
