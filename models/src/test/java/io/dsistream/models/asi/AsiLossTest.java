package io.dsistream.models.asi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The total objective, its λ warm-up and its ablation switches. */
class AsiLossTest {

    private static NDManager manager;

    @BeforeAll
    static void openManager() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void closeManager() {
        manager.close();
    }

    @Test
    void lambdaRisesLinearlyOverTheFirstEpochThenStays() {
        LambdaSchedule schedule = new LambdaSchedule(100);
        assertEquals(0.01f, schedule.lambda(0), 1e-7);
        assertEquals(0.13f, schedule.lambda(50), 1e-6);
        assertEquals(0.25f, schedule.lambda(100), 1e-7);
        assertEquals(0.25f, schedule.lambda(10_000), 1e-7);
        assertEquals(0.5f, LambdaSchedule.constant(0.5f).lambda(3), 1e-7);
        assertThrows(IllegalArgumentException.class, () -> new LambdaSchedule(0));
    }

    @Test
    void totalIsUnscaledTermsPlusLambdaTimesBalancingTerms() {
        try (NDManager scope = manager.newSubManager()) {
            AsiLossInputs inputs = batch(scope);
            LossWeights weights = LossWeights.defaults();
            AsiLoss loss = new AsiLoss(weights, new LambdaSchedule(10));
            AsiLossTerms terms = loss.compute(inputs, 5);   // λ = 0.13

            float c = new DiscreteContrastiveLoss().compute(inputs.queryCodes(), inputs.documentCodes()).getFloat();
            float ce = new DecoderCrossEntropyLoss().compute(inputs.decoderLogits(), inputs.decoderTargets()).getFloat();
            float di = new DistributionDensityLoss().compute(inputs.documentCodes()).getFloat()
                    + new DistributionDensityLoss().compute(inputs.queryCodes()).getFloat();
            float bot = new RepresentationBottleneckLoss().compute(inputs.queryEmbeddings(),
                    inputs.documentEmbeddings()).getFloat();
            float ib = new InformationBottleneckLoss().compute(inputs.documentEmbeddings()).getFloat();
            float q = 0.125f;

            assertEquals(0.13f, terms.lambda(), 1e-6);
            assertEquals(c, terms.value(AsiTerm.CONTRASTIVE), 1e-6);
            assertEquals(ce, terms.value(AsiTerm.DECODER), 1e-6);
            assertEquals(di, terms.value(AsiTerm.DENSITY), 1e-5);
            assertEquals(bot, terms.value(AsiTerm.BOTTLENECK), 1e-6);
            assertEquals(ib, terms.value(AsiTerm.INFORMATION), 1e-6);
            assertEquals(q, terms.value(AsiTerm.QUANTIZATION), 1e-7);
            assertEquals(c + ce + q + 0.13f * (di + bot + ib), terms.totalValue(), 1e-4);
            assertTrue(terms.describe().startsWith("L="), terms.describe());
            assertTrue(terms.describe().contains(" di="), terms.describe());
        }
    }

    @Test
    void switchedOffTermsAreNeitherComputedNorAdded() {
        try (NDManager scope = manager.newSubManager()) {
            AsiLossInputs full = batch(scope);
            // no decoder at all: an ablation that trains only the indexing module
            AsiLossInputs noDecoder = AsiLossInputs.builder()
                    .setQueries(full.queryEmbeddings(), full.queryCodes())
                    .setDocuments(full.documentEmbeddings(), full.documentCodes())
                    .build();
            LossWeights weights = LossWeights.defaults()
                    .without(AsiTerm.DECODER, AsiTerm.DENSITY, AsiTerm.BOTTLENECK, AsiTerm.INFORMATION);
            AsiLossTerms terms = new AsiLoss(weights, LambdaSchedule.constant(0.25f)).compute(noDecoder, 0);
            assertEquals(1, terms.terms().size());
            assertFalse(terms.terms().containsKey(AsiTerm.DENSITY));
            assertEquals(0f, terms.value(AsiTerm.DENSITY));
            assertEquals(terms.value(AsiTerm.CONTRASTIVE), terms.totalValue(), 1e-6);

            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () ->
                    new AsiLoss(LossWeights.defaults(), new LambdaSchedule(1)).compute(noDecoder, 0));
            assertTrue(missing.getMessage().contains("decoderLogits"), missing.getMessage());
        }
    }

    private static AsiLossInputs batch(NDManager scope) {
        int b = 4;
        int h = 6;
        int l = 2;
        int v = 3;
        NDArray queries = scope.create(LossesTest.randomUnitVectors(b, h, 11));
        NDArray documents = scope.create(LossesTest.randomUnitVectors(b, h, 12));
        NDArray queryCodes = LossesTest.create(scope, LossesTest.randomProbabilities(b, l, v, 13));
        NDArray documentCodes = LossesTest.create(scope, LossesTest.randomProbabilities(b, l, v, 14));
        NDArray logits = scope.randomNormal(new Shape(b, l + 1, 3 + l * v));
        NDArray targets = scope.create(new int[][] {{3, 6, 2}, {4, 7, 2}, {5, 8, 2}, {3, 0, 0}});
        return AsiLossInputs.builder()
                .setQueries(queries, queryCodes)
                .setDocuments(documents, documentCodes)
                .optQuantizationLoss(scope.create(0.125f))
                .optDecoder(logits, targets)
                .build();
    }
}
