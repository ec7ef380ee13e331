package io.dsistream.models.asi;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How leaf granularity trades scanned documents for recall on SciFact, for k-means-initialised RQ and PQ
 * quantizers over MiniLM-L6 embeddings (no training): documents get their quantizer ID; each test query ranks
 * the used leaves by its own code log-probabilities (a stand-in for the decoder's beam), takes leaves until a
 * budget of scanned documents is reached, and ranks the scanned documents by dot product. Reports
 * Recall@100 against exhaustive dense retrieval. Embeddings are cached under {@code target/}.
 *
 * <p>Measured (2 shared cores, 6.5 min with embedding; 300 test queries; exhaustive dense R@100 = 0.9250):
 * <pre>
 *                  leaves used  docs/leaf (mean, max)   R@100 at 2% / 5% / 10% of the corpus scanned
 * RESIDUAL L=3 V=8      471       11.0    82             0.4892 / 0.6260 / 0.7427
 * RESIDUAL L=2 V=16     249       20.8   145             0.5100 / 0.6367 / 0.7283
 * RESIDUAL L=2 V=32     792        6.5    49             0.5452 / 0.7037 / 0.7877
 * RESIDUAL L=3 V=16    1905        2.7    42             0.6039 / 0.7067 / 0.7800
 * RESIDUAL L=3 V=32    3338        1.6    16             0.6589 / 0.7320 / 0.8143
 * PRODUCT  L=3 V=8      273       19.0   437             0.4915 / 0.5929 / 0.7357
 * PRODUCT  L=2 V=16     187       27.7   349             0.5224 / 0.6252 / 0.7383
 * PRODUCT  L=2 V=32     431       12.0   203             0.5298 / 0.6706 / 0.7733
 * PRODUCT  L=3 V=16     719        7.2   184             0.5322 / 0.6903 / 0.7917
 * PRODUCT  L=3 V=32    1362        3.8   121             0.5289 / 0.7272 / 0.8467
 * </pre>
 *
 * <p>{@code mvn -o -B -q -pl models verify -Dit.test=SciFactLeafBudgetITCase -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false}
 */
class SciFactLeafBudgetITCase {

    private static final Path SCIFACT = Path.of(System.getProperty("dsi.shared.dir", "../shared"), "data", "scifact");
    private static final Path CACHE = Path.of("target", "asi-itcase", "scifact-minilm.bin");

    @Test
    void leafBudgetRecall() throws Exception {
        Map<String, String> corpus = new LinkedHashMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(SCIFACT.resolve("corpus.jsonl"))) {
            JsonNode node = json.readTree(line);
            corpus.put(node.get("_id").asText(), node.get("title").asText() + " " + node.get("text").asText());
        }
        Map<String, Set<String>> qrels = new LinkedHashMap<>();
        for (String line : Files.readAllLines(SCIFACT.resolve("qrels").resolve("test.tsv"))) {
            String[] parts = line.split("\t");
            if (parts[0].equals("query-id")) {
                continue;
            }
            qrels.computeIfAbsent(parts[0], k -> new HashSet<>()).add(parts[1]);
        }
        Map<String, String> queries = new LinkedHashMap<>();
        for (String line : Files.readAllLines(SCIFACT.resolve("queries.jsonl"))) {
            JsonNode node = json.readTree(line);
            if (qrels.containsKey(node.get("_id").asText())) {
                queries.put(node.get("_id").asText(), node.get("text").asText());
            }
        }
        List<String> docIds = new ArrayList<>(corpus.keySet());
        List<String> queryIds = new ArrayList<>(queries.keySet());
        float[][][] cached = embeddings(new ArrayList<>(corpus.values()), new ArrayList<>(queries.values()));
        float[][] docs = cached[0];
        float[][] qs = cached[1];
        int n = docs.length;

        System.out.printf(Locale.ROOT, "SciFact: %d documents, %d test queries%n", n, qs.length);
        System.out.printf(Locale.ROOT, "exhaustive dense Recall@100 = %.4f%n",
                recallAt100(qs, queryIds, qrels, docs, docIds, null));

        int[][] shapes = {{3, 8}, {2, 16}, {2, 32}, {3, 16}, {3, 32}};
        double[] budgets = {0.02, 0.05, 0.10};
        try (NDManager manager = NDManager.newBaseManager()) {
            for (QuantizerKind kind : new QuantizerKind[] {QuantizerKind.RESIDUAL, QuantizerKind.PRODUCT}) {
                for (int[] shape : shapes) {
                    QuantizerOptions options = QuantizerOptions.defaults(384).withKind(kind)
                            .withShape(shape[0], shape[1]);
                    try (SemanticQuantizer quantizer = SemanticQuantizer.create(manager, options, docs)) {
                        int[][] ids = quantizer.assign(docs);
                        Map<String, List<Integer>> leaves = new HashMap<>();
                        for (int d = 0; d < n; d++) {
                            leaves.computeIfAbsent(Arrays.toString(ids[d]), k -> new ArrayList<>()).add(d);
                        }
                        int largest = leaves.values().stream().mapToInt(List::size).max().orElse(0);
                        float[][][] queryLogProbs = logProbabilities(manager, quantizer, qs);
                        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                                "%-8s L=%d V=%-3d leaves used %4d of %6d, docs/leaf mean %5.1f max %4d |",
                                kind, shape[0], shape[1], leaves.size(), options.leaves(),
                                (double) n / leaves.size(), largest));
                        for (double budget : budgets) {
                            double recall = recallWithinBudget(qs, queryIds, qrels, docs, docIds, leaves,
                                    queryLogProbs, (int) Math.round(budget * n));
                            line.append(String.format(Locale.ROOT, " R@100 %.0f%%: %.4f", budget * 100, recall));
                        }
                        System.out.println(line);
                    }
                }
            }
        }
        assertTrue(n > 5000);
    }

    private static float[][][] logProbabilities(NDManager manager, SemanticQuantizer quantizer, float[][] qs) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray logProbs = quantizer.forward(scope.create(qs), false).logCodeProbabilities();
            int l = quantizer.options().positions();
            int v = quantizer.options().codesPerPosition();
            float[] flat = logProbs.toFloatArray();
            float[][][] out = new float[qs.length][l][v];
            for (int q = 0; q < qs.length; q++) {
                for (int p = 0; p < l; p++) {
                    System.arraycopy(flat, (q * l + p) * v, out[q][p], 0, v);
                }
            }
            return out;
        }
    }

    private static double recallWithinBudget(float[][] qs, List<String> queryIds, Map<String, Set<String>> qrels,
                                             float[][] docs, List<String> docIds, Map<String, List<Integer>> leaves,
                                             float[][][] logProbs, int budget) {
        List<String> leafKeys = new ArrayList<>(leaves.keySet());
        List<int[]> leafCodes = new ArrayList<>();
        for (String key : leafKeys) {
            leafCodes.add(Arrays.stream(key.substring(1, key.length() - 1).split(", "))
                    .mapToInt(Integer::parseInt).toArray());
        }
        double total = 0;
        for (int q = 0; q < qs.length; q++) {
            final int query = q;
            Integer[] order = new Integer[leafKeys.size()];
            double[] score = new double[leafKeys.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
                for (int p = 0; p < leafCodes.get(i).length; p++) {
                    score[i] += logProbs[query][p][leafCodes.get(i)[p]];
                }
            }
            Arrays.sort(order, Comparator.comparingDouble(i -> -score[i]));
            Set<Integer> scanned = new HashSet<>();
            for (Integer leaf : order) {
                if (scanned.size() >= budget) {
                    break;
                }
                scanned.addAll(leaves.get(leafKeys.get(leaf)));
            }
            total += recall(qs[q], qrels.get(queryIds.get(q)), docs, docIds, scanned);
        }
        return total / qs.length;
    }

    private static double recallAt100(float[][] qs, List<String> queryIds, Map<String, Set<String>> qrels,
                                      float[][] docs, List<String> docIds, Set<Integer> candidates) {
        double total = 0;
        for (int q = 0; q < qs.length; q++) {
            total += recall(qs[q], qrels.get(queryIds.get(q)), docs, docIds, candidates);
        }
        return total / qs.length;
    }

    private static double recall(float[] query, Set<String> relevant, float[][] docs, List<String> docIds,
                                 Set<Integer> candidates) {
        List<Integer> pool = new ArrayList<>();
        if (candidates == null) {
            for (int d = 0; d < docs.length; d++) {
                pool.add(d);
            }
        } else {
            pool.addAll(candidates);
        }
        pool.sort(Comparator.comparingDouble(d -> -LossesTest.dot(query, docs[d])));
        int hits = 0;
        for (int i = 0; i < Math.min(100, pool.size()); i++) {
            hits += relevant.contains(docIds.get(pool.get(i))) ? 1 : 0;
        }
        return (double) hits / relevant.size();
    }

    /** MiniLM-L6 mean-pooled, L2-normalised embeddings of documents and queries, cached under target/. */
    private static float[][][] embeddings(List<String> documents, List<String> queries) throws Exception {
        if (Files.exists(CACHE)) {
            try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(CACHE)))) {
                float[][][] out = new float[2][][];
                for (int s = 0; s < 2; s++) {
                    out[s] = new float[in.readInt()][384];
                    for (float[] row : out[s]) {
                        for (int j = 0; j < 384; j++) {
                            row[j] = in.readFloat();
                        }
                    }
                }
                if (out[0].length == documents.size() && out[1].length == queries.size()) {
                    return out;
                }
            }
        }
        String base = "/all-minilm-l6-v2";
        HuggingFaceTokenizer tokenizer;
        try (InputStream in = SciFactLeafBudgetITCase.class.getResourceAsStream(base + "-tokenizer.json")) {
            tokenizer = HuggingFaceTokenizer.newInstance(in, Map.of("maxLength", "256", "truncation", "true",
                    "padding", "false"));
        }
        byte[] model;
        try (InputStream in = SciFactLeafBudgetITCase.class.getResourceAsStream(base + ".onnx")) {
            model = in.readAllBytes();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions();
        sessionOptions.setIntraOpNumThreads(2);
        float[][][] out = new float[2][][];
        try (OrtSession session = env.createSession(model, sessionOptions)) {
            List<List<String>> sets = List.of(documents, queries);
            for (int s = 0; s < 2; s++) {
                List<String> texts = sets.get(s);
                Encoding[] encodings = new Encoding[texts.size()];
                for (int i = 0; i < texts.size(); i++) {
                    encodings[i] = tokenizer.encode(texts.get(i));
                }
                Integer[] order = new Integer[texts.size()];
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                Arrays.sort(order, Comparator.comparingInt(i -> encodings[i].getIds().length));
                out[s] = new float[texts.size()][];
                for (int start = 0; start < order.length; start += 32) {
                    int end = Math.min(order.length, start + 32);
                    int width = 0;
                    for (int i = start; i < end; i++) {
                        width = Math.max(width, encodings[order[i]].getIds().length);
                    }
                    long[][] ids = new long[end - start][width];
                    long[][] mask = new long[end - start][width];
                    long[][] types = new long[end - start][width];
                    for (int i = start; i < end; i++) {
                        long[] tokenIds = encodings[order[i]].getIds();
                        System.arraycopy(tokenIds, 0, ids[i - start], 0, tokenIds.length);
                        Arrays.fill(mask[i - start], 0, tokenIds.length, 1L);
                    }
                    try (OnnxTensor idTensor = OnnxTensor.createTensor(env, ids);
                         OnnxTensor maskTensor = OnnxTensor.createTensor(env, mask);
                         OnnxTensor typeTensor = OnnxTensor.createTensor(env, types);
                         OrtSession.Result result = session.run(Map.of("input_ids", idTensor,
                                 "attention_mask", maskTensor, "token_type_ids", typeTensor))) {
                        float[][][] hidden = (float[][][]) result.get(0).getValue();
                        for (int i = start; i < end; i++) {
                            float[] pooled = new float[384];
                            long tokens = 0;
                            for (int t = 0; t < width; t++) {
                                if (mask[i - start][t] == 1) {
                                    tokens++;
                                    for (int j = 0; j < 384; j++) {
                                        pooled[j] += hidden[i - start][t][j];
                                    }
                                }
                            }
                            double norm = 0;
                            for (int j = 0; j < 384; j++) {
                                pooled[j] /= tokens;
                                norm += pooled[j] * pooled[j];
                            }
                            for (int j = 0; j < 384; j++) {
                                pooled[j] /= (float) Math.sqrt(norm);
                            }
                            out[s][order[i]] = pooled;
                        }
                    }
                }
            }
        }
        Files.createDirectories(CACHE.getParent());
        try (DataOutputStream write = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(CACHE)))) {
            for (float[][] set : out) {
                write.writeInt(set.length);
                for (float[] row : set) {
                    for (float value : row) {
                        write.writeFloat(value);
                    }
                }
            }
        }
        return out;
    }
}
