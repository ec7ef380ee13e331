package io.dsistream.models.eval;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes rankings as a standard TREC run file, one line per retrieved document:
 * {@code qid Q0 docid rank score tag}, read by trec_eval, pytrec_eval and Anserini's tools.
 *
 * <p>Each query's documents are written in {@link RetrievalMetrics#TREC_EVAL_ORDER}, so the stated ranks
 * agree with the order trec_eval derives from the scores. Scores are printed as the shortest decimal that
 * reads back to the same float, in plain notation, so that trec_eval sees exactly the ties and order the
 * metrics here saw.
 */
public final class TrecRunWriter {

    private TrecRunWriter() {
    }

    /** Writes {@code rankings} (query id → ranking, in the order to write) to {@code file}, UTF-8. */
    public static void write(Path file, Map<String, Ranking> rankings, String tag) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            write(out, rankings, tag);
        }
    }

    /** Writes {@code rankings} to {@code out}; does not close it. */
    public static void write(Writer out, Map<String, Ranking> rankings, String tag) throws IOException {
        requireToken(tag, "run tag");
        for (Map.Entry<String, Ranking> entry : rankings.entrySet()) {
            String queryId = entry.getKey();
            requireToken(queryId, "query id");
            List<ScoredDoc> ordered = RetrievalMetrics.trecEvalOrder(entry.getValue().docs());
            for (int i = 0; i < ordered.size(); i++) {
                ScoredDoc doc = ordered.get(i);
                requireToken(doc.docId(), "document id");
                out.write(queryId + " Q0 " + doc.docId() + " " + (i + 1) + " " + formatScore(doc.score()) + " "
                        + tag + "\n");
            }
        }
        out.flush();
    }

    static String formatScore(float score) {
        if (Float.isInfinite(score)) {
            throw new IllegalArgumentException("cannot write an infinite score to a run file");
        }
        return new BigDecimal(Float.toString(score)).stripTrailingZeros().toPlainString();
    }

    private static void requireToken(String value, String what) {
        if (value.isEmpty() || value.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(what + " '" + value + "' is empty or contains whitespace");
        }
    }
}
