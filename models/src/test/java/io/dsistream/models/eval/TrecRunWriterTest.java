package io.dsistream.models.eval;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TrecRunWriterTest {

    @Test
    void writesSixColumnsInTrecEvalOrder() throws IOException {
        Map<String, Ranking> rankings = new LinkedHashMap<>();
        rankings.put("q2", new Ranking(List.of(new ScoredDoc("a", 1.5f), new ScoredDoc("b", 1.5f),
                new ScoredDoc("c", 7.25f, "3.1.4")), 10));
        rankings.put("q1", new Ranking(List.of(new ScoredDoc("x", 1e-5f)), 1));
        rankings.put("q3", Ranking.empty());
        StringWriter out = new StringWriter();
        TrecRunWriter.write(out, rankings, "bm25");
        assertEquals("""
                q2 Q0 c 1 7.25 bm25
                q2 Q0 b 2 1.5 bm25
                q2 Q0 a 3 1.5 bm25
                q1 Q0 x 1 0.00001 bm25
                """, out.toString());
    }

    @Test
    void scoresReadBackToTheSameFloat() {
        for (float score : new float[] {0.1f, 12.345678f, 1e-7f, -3.5f, 123456.79f}) {
            assertEquals(score, Float.parseFloat(TrecRunWriter.formatScore(score)));
        }
    }

    @Test
    void whitespaceInTagOrIdsIsRefused() {
        Map<String, Ranking> rankings = Map.of("q 1", new Ranking(List.of(new ScoredDoc("a", 1)), 1));
        assertThrows(IllegalArgumentException.class, () -> TrecRunWriter.write(new StringWriter(), rankings, "t"));
        assertThrows(IllegalArgumentException.class, () -> TrecRunWriter.write(new StringWriter(), Map.of(), "my run"));
    }
}
