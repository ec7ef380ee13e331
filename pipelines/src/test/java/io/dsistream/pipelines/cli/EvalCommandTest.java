package io.dsistream.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvalCommandTest {

    @TempDir
    Path dir;

    /** Three documents and two queries whose words only their own relevant document contains. */
    private Path tinyBeir() throws IOException {
        Path beir = dir.resolve("tiny");
        Files.createDirectories(beir.resolve("qrels"));
        Files.writeString(beir.resolve("corpus.jsonl"), String.join("\n",
                "{\"_id\":\"d1\",\"title\":\"Zebra stripes\",\"text\":\"Stripes keep biting flies away from zebras.\"}",
                "{\"_id\":\"d2\",\"title\":\"Volcanic soil\",\"text\":\"Ash from eruptions makes fertile farmland.\"}",
                "{\"_id\":\"d3\",\"title\":\"Tidal power\",\"text\":\"Turbines under the sea turn with the tides.\"}"));
        Files.writeString(beir.resolve("queries.jsonl"), String.join("\n",
                "{\"_id\":\"q1\",\"text\":\"why do zebras have stripes\"}",
                "{\"_id\":\"q2\",\"text\":\"is volcanic ash fertile\"}"));
        Files.writeString(beir.resolve("qrels/test.tsv"), "query-id\tcorpus-id\tscore\r\nq1\td1\t1\r\nq2\td2\t1\r\n");
        return beir;
    }

    private static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cli = DsiCommand.newCommandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void bm25OnATinyDatasetRanksEachRelevantDocumentFirstAndWritesFlatMetrics() throws IOException {
        Path metrics = dir.resolve("out/metrics.json");
        Path run = dir.resolve("out/run.trec");
        int exit = run(new StringWriter(), new StringWriter(), "eval", "--dataset", tinyBeir().toString(),
                "--method", "bm25", "--quiet", "--metrics-out", metrics.toString(), "--run-out", run.toString());

        assertEquals(0, exit);
        @SuppressWarnings("unchecked")
        Map<String, Double> values = new ObjectMapper().readValue(metrics.toFile(), Map.class);
        assertEquals(1.0, values.get("ndcg@10"), 1e-9);
        assertEquals(1.0, values.get("hits@1"), 1e-9);
        assertEquals(2.0, values.get("queries"), 1e-9);
        assertTrue(values.keySet().containsAll(java.util.List.of("mrr@10", "recall@10", "recall@100", "hits@10",
                "docs_scored_per_query")), values.keySet().toString());
        assertTrue(Files.readString(run).startsWith("q1 Q0 d1 1 "), Files.readString(run));
    }

    @Test
    void aMissingDatasetFailsWithOneLineNamingTheFile() {
        StringWriter err = new StringWriter();
        int exit = run(new StringWriter(), err, "eval", "--dataset", dir.resolve("nowhere").toString());

        assertEquals(2, exit);
        assertTrue(err.toString().contains("corpus.jsonl"), err.toString());
    }

    @Test
    void anUnknownMethodListsTheKnownOnes() throws IOException {
        StringWriter err = new StringWriter();
        int exit = run(new StringWriter(), err, "eval", "--dataset", tinyBeir().toString(), "--method", "magic");

        assertEquals(2, exit);
        assertTrue(err.toString().contains("bm25"), err.toString());
    }

    @Test
    void everySubcommandExplainsItselfWithHelp() {
        for (String[] args : new String[][] {{"--help"}, {"eval", "--help"}, {"bench", "--help"},
                {"bench", "encoder", "--help"}}) {
            StringWriter out = new StringWriter();
            assertEquals(0, run(out, new StringWriter(), args), String.join(" ", args));
            assertTrue(out.toString().contains("Usage: dsi"), out.toString());
        }
    }
}
