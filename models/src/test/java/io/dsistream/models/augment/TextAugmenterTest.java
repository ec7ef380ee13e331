package io.dsistream.models.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TextAugmenterTest {

    private static final String PASSAGE = "In 1999, the researchers measured 42 proteins (3.5% of the 1st set).";

    private static UdEnglishModels models;

    @BeforeAll
    static void loadModels() {
        models = UdEnglishModels.fromClasspath();
    }

    private static String augment(String switches, double maskShare) {
        AugmentationOptions options = AugmentationOptions.parse(switches).withMaskShare(maskShare);
        return new TextAugmenter(options, "[MASK]", models).augment("doc-1", PASSAGE);
    }

    @Test
    void identityWhenNothingIsEnabled() {
        assertEquals(PASSAGE, augment("none", 0.1));
    }

    @Test
    void eachAugmentationAlone() {
        assertEquals("In nineteen ninety nine, the researchers measured forty two proteins (three point five percent"
                + " of the first set).", augment("num2word", 0.1));
        assertEquals("1999, researchers measured 42 proteins (3.5% 1st set).", augment("stopwords", 0.1));
        assertEquals("In 1999 the researchers measured 42 proteins 3.5 of the 1st set", augment("punctuation", 0.1));
        assertEquals("In 1999, the researchers [MASK] 42 proteins (3.5% of the 1st set).", augment("pos-mask", 1.0));
    }

    @Test
    void appliesAllInTheDocumentedOrderKeepingTheMaskToken() {
        assertEquals("nineteen ninety nine researchers [MASK] forty two proteins three point five percent first set",
                augment("stopwords,punctuation,pos-mask,num2word", 1.0));
    }

    @Test
    void posMaskingFollowsTheSeededShare() {
        AugmentationOptions options = AugmentationOptions.parse("pos-mask").withSeed(3);
        TextAugmenter augmenter = new TextAugmenter(options, "[MASK]", models);
        PosGuidedMasker sameDraw = new PosGuidedMasker(models, options.posTags(), "[MASK]", 0.1, 3);
        int masked = 0;
        for (int i = 0; i < 200; i++) {
            String id = "doc-" + i;
            String expected = sameDraw.selects(id) ? sameDraw.mask(PASSAGE) : PASSAGE;
            String augmented = augmenter.augment(id, PASSAGE);
            assertEquals(expected, augmented, id);
            masked += augmented.contains("[MASK]") ? 1 : 0;
        }
        assertTrue(masked >= 5 && masked <= 40, "masked " + masked + " of 200 at share 0.1");
    }
}
