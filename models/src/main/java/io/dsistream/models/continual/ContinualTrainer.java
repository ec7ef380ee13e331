package io.dsistream.models.continual;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.dsistream.models.adapters.AdapterKind;
import io.dsistream.models.adapters.AdapterOptions;
import io.dsistream.models.adapters.EncoderAdapters;
import io.dsistream.models.asi.SemanticQuantizer;
import io.dsistream.models.bundle.BundleManifest;
import io.dsistream.models.bundle.IdModelBundle;
import io.dsistream.models.bundle.ModelRegistry;
import io.dsistream.models.decoder.DecoderOptions;
import io.dsistream.models.decoder.IdDecoder;
import io.dsistream.models.encoder.EncoderOptions;
import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.models.encoder.TextEncoder;
import io.dsistream.models.eval.CorpusVectors;
import io.dsistream.models.ids.BalanceReport;
import io.dsistream.models.ids.DocIdTrie;
import io.dsistream.models.ids.IdVocabulary;
import io.dsistream.models.ids.SemanticId;
import io.dsistream.models.retrieval.IdModel;
import io.dsistream.models.retrieval.PlannedLeafRetriever;
import io.dsistream.models.retrieval.QueryPlanner;
import io.dsistream.models.serving.IndexingBundle;
import io.dsistream.models.training.SelfSupervisedPairs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One round of the streaming job's trainer, from the registry's serving version to (perhaps) the next one:
 * loads the serving bundle (a quantizer-only bootstrap bundle gets a fresh ID decoder; a bundle without an adapter
 * gets a fresh one of {@link TrainerSettings#adapter}), runs a {@link ContinualRound} on the new documents, the
 * replay sample and the feedback, scores the candidate and the serving model on the held-back pairs the way the
 * job retrieves ({@link PlannedLeafRetriever} over the round's documents: query encoder with its adapter, decoder
 * beam and quantizer leaves, back-off, dense rerank), and publishes the candidate as the next version, with the
 * serving one as its parent, only if the {@link PublishGate} says so.
 *
 * <p>The held-back pairs are feedback the round never trains on; when there are fewer than
 * {@link TrainerSettings#minGateQueries} of them, inverse-cloze sentences of the round's documents, drawn with
 * another seed than the training pairs, fill up. Runs on the caller's thread; {@link #cancel()} from any thread.
 * Nothing here knows Flink.
 */
public final class ContinualTrainer {

    private final TrainerSettings settings;
    private final Device device;
    private final Consumer<String> log;
    private volatile ContinualRound round;
    private volatile boolean cancelled;

    /**
     * @param device where the round trains (a GPU when the task manager has one), null for the engine's default
     * @param log    hears progress lines
     */
    public ContinualTrainer(TrainerSettings settings, Device device, Consumer<String> log) {
        this.settings = settings;
        this.device = device;
        this.log = log;
    }

    /** Stops a running round before its next step; its result is then not published. */
    public void cancel() {
        cancelled = true;
        ContinualRound running = round;
        if (running != null) {
            running.cancel();
        }
    }

    /**
     * Runs a round from {@code servingVersion}.
     *
     * @param fresh    documents indexed since the last round, with their stored IDs
     * @param replay   the replay buffer's sample
     * @param training feedback pairs to train on
     * @param heldBack feedback pairs kept for the gate (never trained on)
     */
    public RoundOutcome run(int servingVersion, List<ReplayDocument> fresh, List<ReplayDocument> replay,
                            List<FeedbackPair> training, List<FeedbackPair> heldBack) throws IOException {
        long started = System.nanoTime();
        ModelRegistry registry = new ModelRegistry(Path.of(settings.registry()));
        Path directory = registry.bundleDirectory(settings.modelName(), servingVersion);
        BundleManifest manifest = ModelRegistry.readManifest(directory);
        EncoderSpec spec = EncoderSpec.fromCliName(manifest.encoder().name());
        EncoderOptions.Builder encoderOptions = EncoderOptions.builder().optMaxLength(settings.round().queryTokens());
        if (device != null) {
            encoderOptions.optDevice(device);
        }
        try (NDManager manager = device == null ? NDManager.newBaseManager() : NDManager.newBaseManager(device);
             TextEncoder trainingEncoder = TextEncoder.load(spec, encoderOptions.build());
             TextEncoder servingEncoder = TextEncoder.load(spec, encoderOptions.build())) {
            Serving serving = loadServing(directory, manifest, spec, manager, trainingEncoder.dimension());
            EncoderAdapters adapters = IdModelBundle.attachAdapter(directory, trainingEncoder).orElse(null);
            if (adapters == null && settings.trainsAdapter()) {
                adapters = EncoderAdapters.attach(trainingEncoder, AdapterOptions.builder(
                        AdapterKind.fromName(settings.adapter())).optSeed(settings.round().seed()).build());
            }
            IdModelBundle.attachAdapter(directory, servingEncoder);
            ContinualRound current = new ContinualRound(settings.round(),
                    AdaptedQueryEncoder.of(trainingEncoder, adapters), manager)
                    .optProgress(p -> {
                        if (p.step() % 10 == 0 || p.step() == p.totalSteps()) {
                            log.accept(String.format(Locale.ROOT, "round from v%d: step %d/%d loss %.4f"
                                    + " (%.0f s)", servingVersion, p.step(), p.totalSteps(), p.loss(), p.seconds()));
                        }
                    });
            round = current;
            if (cancelled) {
                current.cancel();
            }
            RoundResult result;
            try {
                result = current.run(serving.model(), fresh, replay, training);
            } catch (RuntimeException e) {
                serving.model().close();
                throw e;
            }
            Map<String, Object> statistics = new LinkedHashMap<>(result.statistics());
            if (result.cancelled()) {
                serving.model().close();
                statistics.put("seconds", (System.nanoTime() - started) / 1e9);
                return new RoundOutcome(servingVersion, 0, null, result.newIds(), 0.0, statistics);
            }
            try (IdModel candidate = result.candidate()) {
                List<ReplayDocument> documents = roundDocuments(fresh, replay, result.newIds());
                DocIdTrie trie = new DocIdTrie();
                float[] flat = new float[documents.size() * trainingEncoder.dimension()];
                List<String> ids = new ArrayList<>(documents.size());
                for (int i = 0; i < documents.size(); i++) {
                    ReplayDocument document = documents.get(i);
                    trie.add(document.docId(), document.storedId());
                    ids.add(document.docId());
                    System.arraycopy(document.vector(), 0, flat, i * trainingEncoder.dimension(),
                            trainingEncoder.dimension());
                }
                CorpusVectors vectors = new CorpusVectors(ids, trainingEncoder.dimension(), flat);
                List<FeedbackPair> gatePairs = gatePairs(heldBack, documents);
                PlannedLeafRetriever servingRetriever = new PlannedLeafRetriever(new QueryPlanner(servingEncoder,
                        serving.model().quantizer(), serving.trained() ? serving.model().decoder() : null,
                        settings.retrieval()), trie, vectors, settings.keyPrefixLength());
                PlannedLeafRetriever candidateRetriever = new PlannedLeafRetriever(new QueryPlanner(trainingEncoder,
                        candidate.quantizer(), candidate.decoder(), settings.retrieval()), trie, vectors,
                        settings.keyPrefixLength());
                GateDecision decision = new PublishGate(settings.gateMetric(), settings.gateMargin())
                        .decide(servingRetriever, candidateRetriever, gatePairs);
                double drift = IdDrift.of(candidate.quantizer(), documents);
                statistics.put("gate.queries", gatePairs.size());
                statistics.put("gate.current." + decision.metric(), decision.current() == null ? null
                        : decision.current().metric(decision.metric()));
                statistics.put("gate.candidate." + decision.metric(), decision.candidate().metric(decision.metric()));
                statistics.put("gate.decision", decision.reason());
                statistics.put("drift", drift);
                int published = 0;
                boolean trained = result.statistics().get("steps") instanceof Number steps && steps.longValue() > 0;
                statistics.put("published", decision.publish() && trained);
                if (decision.publish() && trained) {
                    Map<String, Double> metrics = new LinkedHashMap<>();
                    metrics.put("gate." + decision.metric(), decision.candidate().metric(decision.metric()));
                    statistics.put("seconds", (System.nanoTime() - started) / 1e9);
                    BundleManifest next = registry.publish(settings.modelName(), candidate, spec,
                            manifest.encoder().maxLength(), servingVersion, adapters, hyperParameters(),
                            publishable(statistics), metrics, BalanceReport.of(trie, candidate.vocabulary()));
                    published = next.version();
                }
                statistics.put("seconds", (System.nanoTime() - started) / 1e9);
                return new RoundOutcome(servingVersion, published, decision, result.newIds(), drift, statistics);
            } finally {
                serving.model().close();
            }
        } finally {
            round = null;
        }
    }

    /** The serving model, and whether it has a trained decoder (a bootstrap bundle has none). */
    private record Serving(IdModel model, boolean trained) {
    }

    private Serving loadServing(Path directory, BundleManifest manifest, EncoderSpec spec, NDManager manager,
                                int dimension) throws IOException {
        if (manifest.componentFile(IndexingBundle.DECODER) != null) {
            return new Serving(IdModelBundle.load(directory, manager, spec).model(), true);
        }
        // a quantizer-only bundle (dsi demo's bootstrap): the first round trains a decoder from scratch
        SemanticQuantizer quantizer = SemanticQuantizer.load(manager,
                directory.resolve(manifest.componentFile(IndexingBundle.QUANTIZER)));
        IdVocabulary vocabulary = new IdVocabulary(quantizer.options().positions(),
                quantizer.options().codesPerPosition());
        IdDecoder decoder = IdDecoder.create(DecoderOptions.defaults(vocabulary).withMemoryWidth(dimension), manager,
                settings.round().seed());
        return new Serving(new IdModel("asi", quantizer, decoder, Map.of(), manifest.idScheme().prefixFree()), false);
    }

    /** New and replayed documents, each once, with the IDs they are stored under. */
    private static List<ReplayDocument> roundDocuments(List<ReplayDocument> fresh, List<ReplayDocument> replay,
                                                       Map<String, SemanticId> newIds) {
        Map<String, ReplayDocument> out = new LinkedHashMap<>();
        for (ReplayDocument document : replay) {
            if (document.storedId() != null) {
                out.put(document.docId(), document);
            }
        }
        for (ReplayDocument document : fresh) {
            SemanticId id = document.storedId() != null ? document.storedId() : newIds.get(document.docId());
            if (id != null) {
                out.put(document.docId(), document.withStoredId(id));
            }
        }
        return new ArrayList<>(out.values());
    }

    /** Held-back feedback on the round's documents, then pseudo-queries of the documents up to the minimum. */
    private List<FeedbackPair> gatePairs(List<FeedbackPair> heldBack, List<ReplayDocument> documents) {
        Set<String> present = new LinkedHashSet<>();
        documents.forEach(d -> present.add(d.docId()));
        List<FeedbackPair> pairs = new ArrayList<>();
        Set<String> queries = new LinkedHashSet<>();
        for (FeedbackPair pair : heldBack) {
            if (present.contains(pair.docId())) {
                pairs.add(pair);
                queries.add(pair.queryText());
            }
        }
        if (queries.size() < settings.minGateQueries() && !documents.isEmpty()) {
            Random random = new Random(settings.round().seed() ^ 0x6a7eL);
            List<ReplayDocument> shuffled = new ArrayList<>(documents);
            Collections.shuffle(shuffled, random);
            for (ReplayDocument document : shuffled) {
                if (queries.size() >= settings.minGateQueries()) {
                    break;
                }
                String sentence = SelfSupervisedPairs.inverseCloze(document.text(), random);
                if (!sentence.isBlank() && queries.add(sentence)) {
                    pairs.add(new FeedbackPair(sentence, document.docId()));
                }
            }
        }
        return pairs;
    }

    private Map<String, Object> hyperParameters() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("round", settings.round().toString());
        out.put("adapter", settings.adapter());
        out.put("gate", settings.gateMetric() + " margin " + settings.gateMargin());
        return out;
    }

    /** Round statistics as the manifest's training section (numbers and strings only). */
    private static Map<String, Object> publishable(Map<String, Object> statistics) {
        Map<String, Object> out = new LinkedHashMap<>();
        statistics.forEach((key, value) -> {
            if (value instanceof Number || value instanceof String) {
                out.put(key, value);
            }
        });
        return out;
    }
}
