package io.dsistream.models.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PosGuidedMaskerTest {

    private static final String SENTENCE = "The researchers measured the protein levels and found that they increased.";

    private static UdEnglishModels models;

    @BeforeAll
    static void loadModels() {
        models = UdEnglishModels.fromClasspath();
    }

    private static PosGuidedMasker masker(Set<String> tags, double share, long seed) {
        return new PosGuidedMasker(models, tags, "[MASK]", share, seed);
    }

    @Test
    void masksTheVerbsOfAKnownSentence() {
        PosGuidedMasker verbs = masker(Set.of("VERB"), 1.0, 0);
        assertEquals("The researchers [MASK] the protein levels and [MASK] that they [MASK].", verbs.mask(SENTENCE),
                verbs.tagged(SENTENCE));
    }

    @Test
    void masksAcrossSentencesKeepingWhitespaceAndPunctuation() {
        PosGuidedMasker verbs = masker(Set.of("verb"), 1.0, 0);
        String text = "Patients received 5 mg daily.\n\n  The dog chased the ball, then slept.";
        assertEquals("Patients [MASK] 5 mg daily.\n\n  The dog [MASK] the ball, then [MASK].", verbs.mask(text),
                verbs.tagged(text));
    }

    @Test
    void masksOtherTagsAndOtherMaskTokens() {
        PosGuidedMasker nouns = new PosGuidedMasker(models, Set.of("NOUN"), "<mask>", 1.0, 0);
        assertEquals("The <mask> measured the <mask> <mask> and found that they increased.", nouns.mask(SENTENCE),
                nouns.tagged(SENTENCE));
    }

    @Test
    void leavesTextWithoutMaskedTagsAndUnselectedPassagesAsTheyAre() {
        PosGuidedMasker verbs = masker(Set.of("VERB"), 1.0, 0);
        assertEquals("The red ball.", verbs.mask("The red ball."));
        assertEquals("", verbs.mask(""));
        PosGuidedMasker never = masker(Set.of("VERB"), 0.0, 0);
        assertSame(SENTENCE, never.apply("doc-1", SENTENCE));
    }

    @Test
    void masksAboutTheConfiguredShareOfPassages() {
        PosGuidedMasker verbs = masker(PosGuidedMasker.DEFAULT_TAGS, PosGuidedMasker.DEFAULT_SHARE, 42);
        int masked = 0;
        for (int i = 0; i < 1000; i++) {
            if (!verbs.apply("doc-" + i, SENTENCE).equals(SENTENCE)) {
                masked++;
            }
        }
        // Binomial(1000, 0.1): mean 100, sd 9.5; ±30 is over 3 sd.
        assertTrue(masked >= 70 && masked <= 130, "masked " + masked + " of 1000 passages at share 0.1");

        PosGuidedMasker thirty = masker(Set.of("VERB"), 0.3, 42);
        int selected = 0;
        for (int i = 0; i < 1000; i++) {
            selected += thirty.selects("doc-" + i) ? 1 : 0;
        }
        assertTrue(selected >= 255 && selected <= 345, "selected " + selected + " of 1000 passages at share 0.3");
    }

    @Test
    void selectionIsDeterministicBySeedAndNestedByShare() {
        List<Integer> first = selected(masker(Set.of("VERB"), 0.1, 7));
        List<Integer> again = selected(masker(Set.of("VERB"), 0.1, 7));
        List<Integer> otherSeed = selected(masker(Set.of("VERB"), 0.1, 8));
        assertEquals(first, again);
        assertNotEquals(first, otherSeed);
        // The same draw is compared with a larger share: every passage masked at 10% is masked at 30% too.
        assertTrue(selected(masker(Set.of("VERB"), 0.3, 7)).containsAll(first));
    }

    @Test
    void rejectsUnknownTagsBlankMaskAndShareOutOfRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> masker(Set.of("VERBS"), 0.1, 0));
        assertTrue(e.getMessage().contains("VERBS"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> masker(Set.of(), 0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> new PosGuidedMasker(models, Set.of("VERB"), " ", 0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> masker(Set.of("VERB"), 1.5, 0));
        assertThrows(IllegalArgumentException.class, () -> masker(Set.of("VERB"), Double.NaN, 0));
    }

    private static List<Integer> selected(PosGuidedMasker masker) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            if (masker.selects("doc-" + i)) {
                ids.add(i);
            }
        }
        return ids;
    }
}
