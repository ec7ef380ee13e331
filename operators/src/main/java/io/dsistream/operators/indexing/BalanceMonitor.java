package io.dsistream.operators.indexing;

import io.dsistream.models.ids.BalanceReport;
import io.dsistream.models.ids.BalanceThresholds;
import io.dsistream.models.ids.IdVocabulary;
import io.dsistream.models.ids.IncrementalBalance;
import io.dsistream.models.ids.SemanticId;
import io.dsistream.schemas.WireJson;
import io.dsistream.schemas.indexing.LeafSizeChange;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The balance of the whole ID space, kept incrementally ({@link IncrementalBalance}, O(L) per change) from the
 * trie's leaf size changes, at parallelism 1 under one constant key ({@link #KEY}). Exports every figure of the
 * {@link BalanceReport} as a gauge in the {@code balance} group, plus {@code modelVersion} and its number
 * {@code modelVersionNumber}; every
 * {@code reportInterval} emits a JSON index-health report whose {@code status} is the {@link BalanceThresholds}
 * verdict.
 *
 * <p>Index generations: leaves are counted per generation (a build fills generation g + 1 beside g); the gauges and
 * reports describe the oldest generation held — the one queries read until a switch, and after the old one is
 * dropped the new one — and {@code generationsHeld} says how many generations hold documents.
 *
 * <p>State: {@code leaf-sizes} (leaf, with its generation from 1 on ({@link IdPrefixKey#key}) → documents; what the
 * in-memory balance is rebuilt from after a restore), the model version and the next report timer. When the index
 * empties, all three are cleared.
 */
public class BalanceMonitor extends KeyedProcessFunction<Integer, LeafSizeChange, String> {

    private static final long serialVersionUID = 1L;

    /** The one key every leaf size change is sent to. */
    public static final KeySelector<LeafSizeChange, Integer> KEY = new ConstantKey();

    private final BalanceThresholds thresholds;
    private final long reportIntervalMillis;
    private transient MapState<String, Integer> leafSizes;
    private transient ValueState<String> modelVersion;
    private transient ValueState<Long> nextReport;
    private transient ValueState<Integer> codesPerPosition;
    /** Generation → its balance; null until rebuilt from state after open. */
    private transient TreeMap<Integer, IncrementalBalance> balances;
    private transient TreeMap<Integer, String> versions;
    private transient IdVocabulary vocabulary;
    private transient volatile int generationsHeld;
    private transient volatile BalanceReport latest;
    private transient volatile String latestVersion;
    private transient Counter reports;
    private transient MetricGroup balanceGroup;
    private transient Set<Integer> positionGauges;

    public BalanceMonitor(BalanceThresholds thresholds, Duration reportInterval) {
        this.thresholds = thresholds;
        this.reportIntervalMillis = reportInterval.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        leafSizes = getRuntimeContext().getMapState(new MapStateDescriptor<>("leaf-sizes", Types.STRING, Types.INT));
        modelVersion = getRuntimeContext().getState(new ValueStateDescriptor<>("model-version", Types.STRING));
        nextReport = getRuntimeContext().getState(new ValueStateDescriptor<>("next-report", Types.LONG));
        codesPerPosition = getRuntimeContext().getState(new ValueStateDescriptor<>("codes-per-position", Types.INT));
        MetricGroup group = getRuntimeContext().getMetricGroup();
        reports = group.counter(IndexingMetrics.HEALTH_REPORTS);
        group.gauge(IndexingMetrics.MODEL_VERSION, (Gauge<String>) () -> latestVersion == null ? "" : latestVersion);
        group.gauge(IndexingMetrics.MODEL_VERSION_NUMBER, (Gauge<Long>) () -> versionNumber(latestVersion));
        group.gauge(IndexingMetrics.GENERATIONS_HELD, (Gauge<Integer>) () -> generationsHeld);
        balanceGroup = group.addGroup(IndexingMetrics.BALANCE_GROUP);
        for (String figure : new String[] {"documents", "used_leaves", "normalized_entropy", "perplexity", "max_leaf",
                "p99_leaf", "mean_leaf", "collision_rate", "gini"}) {
            balanceGroup.gauge(figure, (Gauge<Number>) () -> latest == null ? 0 : latest.toMap().get(figure));
        }
        positionGauges = ConcurrentHashMap.newKeySet();
    }

    @Override
    public void processElement(LeafSizeChange change, Context ctx, Collector<String> out) throws Exception {
        SemanticId leaf = SemanticId.parse(change.semanticId);
        restore(new IdVocabulary(leaf.length(), change.codesPerPosition));
        if (codesPerPosition.value() == null) {
            codesPerPosition.update(change.codesPerPosition);
        }
        IncrementalBalance balance = balances.computeIfAbsent(change.generation, g -> new IncrementalBalance(vocabulary));
        if (change.added) {
            balance.documentAdded(leaf, change.sizeAfter);
            if (change.modelVersion != null) {
                versions.put(change.generation, change.modelVersion);
            }
        } else {
            balance.documentRemoved(leaf, change.sizeAfter);
        }
        if (balance.documents() == 0) {
            balances.remove(change.generation);
            versions.remove(change.generation);
        }
        String entry = IdPrefixKey.key(change.generation, change.semanticId);
        if (change.sizeAfter == 0) {
            leafSizes.remove(entry);
        } else {
            leafSizes.put(entry, change.sizeAfter);
        }
        String version = balances.isEmpty() ? null : versions.get(balances.firstKey());
        if (version != null && !version.equals(latestVersion)) {
            modelVersion.update(version);
            latestVersion = version;
        }
        publish();
        if (balances.isEmpty()) {
            Long timer = nextReport.value();
            if (timer != null) {
                ctx.timerService().deleteProcessingTimeTimer(timer);
            }
            leafSizes.clear();
            modelVersion.clear();
            codesPerPosition.clear();
            nextReport.clear();
        } else if (nextReport.value() == null) {
            long at = ctx.timerService().currentProcessingTime() + reportIntervalMillis;
            ctx.timerService().registerProcessingTimeTimer(at);
            nextReport.update(at);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<String> out) throws Exception {
        if (balances == null) {
            if (leafSizes.isEmpty() || codesPerPosition.value() == null) {
                nextReport.clear();
                return;
            }
            String anyLeaf = IdPrefixKey.prefixOf(leafSizes.keys().iterator().next());
            restore(new IdVocabulary(SemanticId.parse(anyLeaf).length(), codesPerPosition.value()));
        }
        out.collect(healthReport(latest, latestVersion, thresholds, timestamp));
        reports.inc();
        long at = timestamp + reportIntervalMillis;
        ctx.timerService().registerProcessingTimeTimer(at);
        nextReport.update(at);
    }

    /** Rebuilds the in-memory balances from {@code leaf-sizes} the first time after open (restore). */
    private void restore(IdVocabulary ids) throws Exception {
        if (balances != null) {
            return;
        }
        vocabulary = ids;
        balances = new TreeMap<>();
        versions = new TreeMap<>();
        for (Map.Entry<String, Integer> leaf : leafSizes.entries()) {
            SemanticId id = SemanticId.parse(IdPrefixKey.prefixOf(leaf.getKey()));
            IncrementalBalance balance = balances.computeIfAbsent(IdPrefixKey.generationOf(leaf.getKey()),
                    g -> new IncrementalBalance(vocabulary));
            for (int size = 1; size <= leaf.getValue(); size++) {
                balance.documentAdded(id, size);
            }
        }
        latestVersion = modelVersion.value();
        if (latestVersion != null && !balances.isEmpty()) {
            versions.put(balances.firstKey(), latestVersion);
        }
        publish();
    }

    /** The gauges show the oldest generation held (an empty balance when none is). */
    private void publish() {
        generationsHeld = balances.size();
        latest = balances.isEmpty() ? new IncrementalBalance(vocabulary).report()
                : balances.firstEntry().getValue().report();
        int[] perPosition = latest.codesUsedPerPosition();
        for (int p = 0; p < perPosition.length; p++) {
            if (positionGauges.add(p)) {
                int position = p;
                balanceGroup.gauge("codes_used_p" + p, (Gauge<Integer>) () ->
                        latest == null ? 0 : latest.codesUsedPerPosition()[position]);
            }
        }
    }

    /** N of {@code name/vN}; 0 for null or any other form. */
    static long versionNumber(String modelVersion) {
        if (modelVersion == null) {
            return 0;
        }
        int v = modelVersion.lastIndexOf("/v");
        try {
            return v < 0 ? 0 : Long.parseLong(modelVersion.substring(v + 2));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The latest report (null before the first change); what the gauges show. */
    public BalanceReport latestReport() {
        return latest;
    }

    /** The JSON of an index-health report: {@code {ts, status, reasons, modelVersion, balance: {...}}}. */
    public static String healthReport(BalanceReport report, String modelVersion, BalanceThresholds thresholds,
                                      long ts) {
        BalanceThresholds.Verdict verdict = thresholds.judge(report);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("ts", ts);
        json.put("status", verdict.status().name().toLowerCase(Locale.ROOT));
        json.put("reasons", verdict.reasons());
        json.put("modelVersion", modelVersion);
        json.put("balance", report.toMap());
        return WireJson.toJson(json);
    }

    private static final class ConstantKey implements KeySelector<LeafSizeChange, Integer> {
        private static final long serialVersionUID = 1L;

        @Override
        public Integer getKey(LeafSizeChange change) {
            return 0;
        }
    }
}
