package io.dsistream.models.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A BEIR dataset directory: {@code corpus.jsonl} ({@code {"_id","title","text",...}}), {@code queries.jsonl}
 * ({@code {"_id","text",...}}) and one {@code qrels/<split>.tsv} per split (a header line, then
 * {@code query-id TAB corpus-id TAB score}, graded integer scores; LF or CRLF line ends).
 *
 * <p>Loading is strict: a missing file, a malformed line, a duplicate id or judgment, or a qrels line naming a
 * document absent from the corpus or a query absent from the queries throws a {@link DatasetFormatException}
 * that names the file and line. Blank lines are skipped. Extra JSON fields (BEIR's {@code metadata}) are ignored.
 */
public final class BeirDataset {

    public static final String CORPUS_FILE = "corpus.jsonl";
    public static final String QUERIES_FILE = "queries.jsonl";
    public static final String QRELS_DIR = "qrels";
    private static final String QRELS_SUFFIX = ".tsv";

    private final Path directory;
    private final List<BeirDocument> corpus;
    private final Map<String, BeirDocument> documentsById;
    private final Map<String, BeirQuery> queriesById;
    private final Map<String, Qrels> qrelsBySplit;

    private BeirDataset(Path directory, List<BeirDocument> corpus, Map<String, BeirDocument> documentsById,
                        Map<String, BeirQuery> queriesById, Map<String, Qrels> qrelsBySplit) {
        this.directory = directory;
        this.corpus = corpus;
        this.documentsById = documentsById;
        this.queriesById = queriesById;
        this.qrelsBySplit = qrelsBySplit;
    }

    /** Reads the whole dataset in {@code directory}; every split found under {@code qrels/} is loaded. */
    public static BeirDataset load(Path directory) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Path corpusFile = directory.resolve(CORPUS_FILE);
        List<BeirDocument> corpus = readCorpus(json, corpusFile);
        Map<String, BeirDocument> documentsById = new HashMap<>(corpus.size() * 2);
        for (BeirDocument doc : corpus) {
            documentsById.put(doc.id(), doc);
        }
        Map<String, BeirQuery> queriesById = readQueries(json, directory.resolve(QUERIES_FILE));

        Path qrelsDir = directory.resolve(QRELS_DIR);
        if (!Files.isDirectory(qrelsDir)) {
            throw new DatasetFormatException(qrelsDir, "qrels directory not found");
        }
        List<Path> qrelsFiles;
        try (Stream<Path> listing = Files.list(qrelsDir)) {
            qrelsFiles = listing.filter(p -> p.getFileName().toString().endsWith(QRELS_SUFFIX))
                    .filter(Files::isRegularFile).sorted().toList();
        }
        if (qrelsFiles.isEmpty()) {
            throw new DatasetFormatException(qrelsDir, "no <split>" + QRELS_SUFFIX + " qrels file found");
        }
        Map<String, Qrels> qrelsBySplit = new TreeMap<>();
        for (Path file : qrelsFiles) {
            String name = file.getFileName().toString();
            String split = name.substring(0, name.length() - QRELS_SUFFIX.length());
            qrelsBySplit.put(split, readQrels(file, documentsById.keySet(), queriesById.keySet()));
        }
        return new BeirDataset(directory, Collections.unmodifiableList(corpus),
                Collections.unmodifiableMap(documentsById), Collections.unmodifiableMap(queriesById),
                Collections.unmodifiableMap(qrelsBySplit));
    }

    /** The dataset directory. */
    public Path directory() {
        return directory;
    }

    /** {@code corpus.jsonl}; its digest keys cached corpus embeddings. */
    public Path corpusFile() {
        return directory.resolve(CORPUS_FILE);
    }

    /** All documents in file order. */
    public List<BeirDocument> corpus() {
        return corpus;
    }

    /** The document with this id; throws when there is none. */
    public BeirDocument document(String id) {
        BeirDocument doc = documentsById.get(id);
        if (doc == null) {
            throw new IllegalArgumentException("no document with id '" + id + "' in " + corpusFile());
        }
        return doc;
    }

    /** Whether a document with this id exists. */
    public boolean hasDocument(String id) {
        return documentsById.containsKey(id);
    }

    /** All queries of queries.jsonl, by id, in file order. */
    public Map<String, BeirQuery> queries() {
        return queriesById;
    }

    /** Names of the splits, one per qrels file, sorted. */
    public Set<String> splits() {
        return qrelsBySplit.keySet();
    }

    /** Whether {@code qrels/<split>.tsv} exists. */
    public boolean hasSplit(String split) {
        return qrelsBySplit.containsKey(split);
    }

    /** Judgments of a split. */
    public Qrels qrels(String split) {
        Qrels qrels = qrelsBySplit.get(split);
        if (qrels == null) {
            throw new IllegalArgumentException("no split '" + split + "' in " + directory.resolve(QRELS_DIR)
                    + "; splits are " + splits());
        }
        return qrels;
    }

    /** The queries of a split: those with at least one judgment in its qrels, in qrels order. */
    public List<BeirQuery> queries(String split) {
        Qrels qrels = qrels(split);
        List<BeirQuery> result = new ArrayList<>(qrels.queryCount());
        for (String queryId : qrels.queryIds()) {
            result.add(queriesById.get(queryId));
        }
        return result;
    }

    /** One JSON object per non-blank line; a line that is not an object fails naming the file and line. */
    private static void forEachJsonLine(ObjectMapper json, Path file, JsonLineHandler handler) throws IOException {
        try (BufferedReader reader = open(file)) {
            String line;
            int lineNo = 0;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (!line.isBlank()) {
                    handler.accept(parseObject(json, file, lineNo, line), lineNo);
                }
            }
        }
    }

    @FunctionalInterface
    private interface JsonLineHandler {
        void accept(JsonNode node, int lineNo) throws IOException;
    }

    private static List<BeirDocument> readCorpus(ObjectMapper json, Path file) throws IOException {
        List<BeirDocument> corpus = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        forEachJsonLine(json, file, (node, lineNo) -> {
            String id = requiredScalar(node, "_id", file, lineNo);
            String text = requiredScalar(node, "text", file, lineNo);
            String title = optionalScalar(node, "title", file, lineNo);
            if (!seen.add(id)) {
                throw new DatasetFormatException(file, lineNo, "duplicate document _id '" + id + "'");
            }
            corpus.add(new BeirDocument(id, title, text));
        });
        if (corpus.isEmpty()) {
            throw new DatasetFormatException(file, "corpus has no documents");
        }
        return corpus;
    }

    private static Map<String, BeirQuery> readQueries(ObjectMapper json, Path file) throws IOException {
        Map<String, BeirQuery> queries = new LinkedHashMap<>();
        forEachJsonLine(json, file, (node, lineNo) -> {
            String id = requiredScalar(node, "_id", file, lineNo);
            String text = requiredScalar(node, "text", file, lineNo);
            if (queries.putIfAbsent(id, new BeirQuery(id, text)) != null) {
                throw new DatasetFormatException(file, lineNo, "duplicate query _id '" + id + "'");
            }
        });
        return queries;
    }

    private static Qrels readQrels(Path file, Set<String> documentIds, Set<String> queryIds) throws IOException {
        Map<String, Map<String, Integer>> byQuery = new LinkedHashMap<>();
        try (BufferedReader reader = open(file)) {
            String line;
            int lineNo = 0;
            boolean headerSeen = false;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] columns = line.strip().split("\t", -1);
                if (!headerSeen) {
                    headerSeen = true;
                    // BEIR always skips the first line; refuse a file whose first line is data, which would
                    // otherwise silently lose a judgment.
                    if (columns.length == 3 && isInteger(columns[2].strip())) {
                        throw new DatasetFormatException(file, lineNo,
                                "expected a header line (query-id, corpus-id, score), found a judgment");
                    }
                    continue;
                }
                if (columns.length != 3) {
                    throw new DatasetFormatException(file, lineNo,
                            "expected 3 tab-separated columns (query-id, corpus-id, score), found " + columns.length);
                }
                String queryId = columns[0].strip();
                String docId = columns[1].strip();
                String scoreText = columns[2].strip();
                if (queryId.isEmpty() || docId.isEmpty()) {
                    throw new DatasetFormatException(file, lineNo, "empty query-id or corpus-id");
                }
                if (!isInteger(scoreText)) {
                    throw new DatasetFormatException(file, lineNo, "score '" + scoreText + "' is not an integer");
                }
                if (!queryIds.contains(queryId)) {
                    throw new DatasetFormatException(file, lineNo,
                            "query-id '" + queryId + "' is not in " + QUERIES_FILE);
                }
                if (!documentIds.contains(docId)) {
                    throw new DatasetFormatException(file, lineNo,
                            "corpus-id '" + docId + "' is not in " + CORPUS_FILE);
                }
                Map<String, Integer> judgments = byQuery.computeIfAbsent(queryId, q -> new LinkedHashMap<>());
                // trec_eval refuses duplicate judgments too: which grade would count is undefined.
                if (judgments.putIfAbsent(docId, Integer.parseInt(scoreText)) != null) {
                    throw new DatasetFormatException(file, lineNo,
                            "duplicate judgment for query '" + queryId + "' and document '" + docId + "'");
                }
            }
            if (!headerSeen) {
                throw new DatasetFormatException(file, "qrels file is empty");
            }
        }
        return new Qrels(byQuery);
    }

    private static BufferedReader open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DatasetFormatException(file, "file not found");
        }
        return Files.newBufferedReader(file, StandardCharsets.UTF_8);
    }

    private static JsonNode parseObject(ObjectMapper json, Path file, int lineNo, String line)
            throws DatasetFormatException {
        JsonNode node;
        try {
            node = json.readTree(line);
        } catch (JsonProcessingException e) {
            throw new DatasetFormatException(file, lineNo, "not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new DatasetFormatException(file, lineNo, "expected a JSON object");
        }
        return node;
    }

    private static String requiredScalar(JsonNode node, String field, Path file, int lineNo)
            throws DatasetFormatException {
        String value = optionalScalar(node, field, file, lineNo);
        if (value == null) {
            throw new DatasetFormatException(file, lineNo, "missing field \"" + field + "\"");
        }
        if (field.equals("_id") && value.isEmpty()) {
            throw new DatasetFormatException(file, lineNo, "empty \"_id\"");
        }
        return value;
    }

    private static String optionalScalar(JsonNode node, String field, Path file, int lineNo)
            throws DatasetFormatException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isValueNode()) {
            throw new DatasetFormatException(file, lineNo, "field \"" + field + "\" is not a string");
        }
        return value.asText();
    }

    private static boolean isInteger(String text) {
        if (text.isEmpty()) {
            return false;
        }
        try {
            Integer.parseInt(text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
