package io.dsistream.models.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AugmentationOptionsTest {

    @Test
    void parsesACommaListOfSwitches() {
        AugmentationOptions options = AugmentationOptions.parse(" num2word, StopWords ,pos-mask");
        assertTrue(options.num2word());
        assertTrue(options.stopWords());
        assertEquals(EnglishStopWords.LUCENE, options.stopWordList());
        assertFalse(options.removePunctuation());
        assertTrue(options.posMasking());
        assertEquals(Set.of("VERB"), options.posTags());
        assertEquals(0.1, options.maskShare());
        assertEquals(0L, options.seed());
    }

    @Test
    void emptyOrNoneEnablesNothing() {
        assertTrue(AugmentationOptions.parse("").isIdentity());
        assertTrue(AugmentationOptions.parse("none").isIdentity());
        assertTrue(AugmentationOptions.parse(null).isIdentity());
        assertFalse(AugmentationOptions.parse("punctuation").isIdentity());
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "num2word", "stopwords-nltk,punctuation", "num2word,pos-mask,stopwords,punctuation"})
    void switchesRoundTrip(String switches) {
        AugmentationOptions options = AugmentationOptions.parse(switches);
        assertEquals(switches, options.switches());
        assertEquals(options, AugmentationOptions.parse(options.switches()));
    }

    @Test
    void unknownSwitchIsNamedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AugmentationOptions.parse("num2word,stopword"));
        assertEquals("unknown augmentation switch 'stopword' in 'num2word,stopword'; known switches: "
                + "num2word, pos-mask, stopwords, stopwords-nltk, punctuation", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AugmentationOptions.parse("num2word,,stopwords"));
    }

    @Test
    void bothStopWordListsAreAConflict() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AugmentationOptions.parse("stopwords,stopwords-nltk"));
        assertTrue(e.getMessage().contains("exclude each other"), e.getMessage());
    }

    @Test
    void withersValidateAndKeepSwitches() {
        AugmentationOptions options = AugmentationOptions.parse("pos-mask")
                .withPosTags(Set.of("verb", "NOUN")).withMaskShare(0.25).withSeed(9);
        assertEquals(Set.of("VERB", "NOUN"), options.posTags());
        assertEquals(0.25, options.maskShare());
        assertEquals(9L, options.seed());
        assertTrue(options.posMasking());
        assertThrows(IllegalArgumentException.class, () -> options.withMaskShare(-0.1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> options.withPosTags(Set.of("VB")));
        assertTrue(e.getMessage().contains("[VB]"), e.getMessage());
    }
}
