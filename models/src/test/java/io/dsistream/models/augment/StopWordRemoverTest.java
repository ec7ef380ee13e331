package io.dsistream.models.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StopWordRemoverTest {

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            The cat and THE Dog are in the House.   | cat Dog House.
            (the cat)                               | (cat)
            Cat, the dog; a mouse                   | Cat, dog; mouse
            It is not such a big deal               | big deal
            IL-6 was raised in COVID-19 patients    | IL-6 raised COVID-19 patients
            the                                     | ``
            """)
    void dropsLuceneStopWordsKeepingCasingAndPunctuation(String text, String expected) {
        assertEquals(expected, StopWordRemover.english(false).apply(text));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            The cat, the dog (and a mouse)!         | cat dog mouse
            cat—dog                                 | cat dog
            Rates rose 3.5% to 1,000 cases.         | Rates rose 3.5 1,000 cases
            "Don't" panic: it's fine                | Don't panic it's fine
            """)
    void optionallyDropsPunctuationButNotInsideWords(String text, String expected) {
        assertEquals(expected, StopWordRemover.english(true).apply(text));
    }

    @Test
    void nltkListCoversContractionsAndPronouns() {
        StopWordRemover nltk = new StopWordRemover(EnglishStopWords.NLTK.words(), true, Set.of());
        assertEquals("know cells divide rapidly", nltk.apply("We don’t know why our cells divide so rapidly!"));
        assertTrue(nltk.isStopWord("Don’t"));
        assertFalse(StopWordRemover.english(false).isStopWord("don't"));
    }

    @Test
    void protectedMaskTokenSurvivesPunctuationRemoval() {
        StopWordRemover remover = new StopWordRemover(EnglishStopWords.LUCENE.words(), true, List.of("[MASK]"));
        assertEquals("cat [MASK] mat", remover.apply("The cat [MASK] on the mat."));
        assertEquals("cat [MASK]", remover.apply("The cat,[MASK]."));
    }

    @Test
    void keepsWhitespaceOfKeptTokens() {
        assertEquals("cat\n\tdog  ", StopWordRemover.english(false).apply("the cat\n\tthe dog  "));
    }

    @Test
    void onlyPunctuationWithEmptyStopWordSet() {
        StopWordRemover punctuationOnly = new StopWordRemover(Set.of(), true, Set.of());
        assertEquals("The cat and the dog", punctuationOnly.apply("The cat, and the dog."));
    }

    @Test
    void listsHaveTheirPublishedSizes() {
        assertEquals(33, EnglishStopWords.LUCENE.words().size());
        assertEquals(179, EnglishStopWords.NLTK.words().size());
        assertTrue(EnglishStopWords.LUCENE.words().containsAll(Set.of("a", "the", "with", "will", "not")));
    }

    @Test
    void rejectsBlankProtectedToken() {
        assertThrows(IllegalArgumentException.class, () -> new StopWordRemover(Set.of(), false, List.of(" ")));
    }
}
