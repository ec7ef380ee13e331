package io.dsistream.models.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class EuroparlSampleTest {

    @Test
    void keepsTheEnglishProceedingsWithUniqueIdsAndText() {
        List<BeirDocument> documents = EuroparlSample.englishDocuments();

        assertTrue(documents.size() > 1000 && documents.size() < 2000, "English documents: " + documents.size());
        assertEquals(documents.size(), new HashSet<>(documents.stream().map(BeirDocument::id).toList()).size());
        assertTrue(documents.stream().noneMatch(d -> d.text().isBlank()));
    }

    @Test
    void tellsEnglishFromTheSampleOtherLanguages() {
        assertTrue(EuroparlSample.isEnglish("The Commission has proposed that the directive be adopted in this form."));
        assertFalse(EuroparlSample.isEnglish("Invitiamo dunque la Commissione a sottoporre nuove proposte."));
        assertFalse(EuroparlSample.isEnglish("Die Kommission hat vorgeschlagen, die Richtlinie anzunehmen."));
        assertFalse(EuroparlSample.isEnglish(""));
    }
}
