package io.dsistream.operators.indexing;

import io.dsistream.schemas.AssignmentRecord;
import io.dsistream.schemas.indexing.IndexChange;
import io.dsistream.schemas.indexing.LeafDocument;
import io.dsistream.schemas.indexing.LeafSizeChange;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The docid trie in keyed state, keyed by ID prefix ({@link IdPrefixKey}). Two RocksDB map states per key:
 * {@code prefix-counts}, every prefix of the subtree from the key down to the leaves → documents below it (a
 * leaf's count is its size; {@code children} of a node are the prefixes one code longer), and
 * {@code leaf-documents}, {@code <leaf>/<docId>} → the document's rerank features. Entries at zero are removed,
 * so an emptied subtree leaves no state. Each applied change emits its assignment record (the remove half of a
 * replace emits none) and a {@link LeafSizeChange} on {@link #LEAF_SIZES} for the balance monitor.
 */
public class TrieIndex extends KeyedProcessFunction<String, IndexChange, AssignmentRecord> {

    private static final long serialVersionUID = 1L;

    /** Leaf size changes, for {@link BalanceMonitor}. */
    public static final OutputTag<LeafSizeChange> LEAF_SIZES =
            new OutputTag<>("leaf-sizes", TypeInformation.of(LeafSizeChange.class));

    private final int keyPrefixLength;
    private transient MapState<String, Integer> prefixCounts;
    private transient MapState<String, LeafDocument> leafDocuments;
    private transient Counter indexed;

    /** @param keyPrefixLength codes in the key, as given to {@link IdPrefixKey} */
    public TrieIndex(int keyPrefixLength) {
        this.keyPrefixLength = keyPrefixLength;
    }

    @Override
    public void open(OpenContext openContext) {
        prefixCounts = getRuntimeContext().getMapState(new MapStateDescriptor<>("prefix-counts", Types.STRING, Types.INT));
        leafDocuments = getRuntimeContext().getMapState(new MapStateDescriptor<>("leaf-documents", Types.STRING,
                TypeInformation.of(LeafDocument.class)));
        indexed = getRuntimeContext().getMetricGroup().counter(IndexingMetrics.INDEXED);
    }

    @Override
    public void processElement(IndexChange change, Context ctx, Collector<AssignmentRecord> out) throws Exception {
        String documentKey = change.semanticId + "/" + change.docId;
        boolean present = leafDocuments.contains(documentKey);
        int leafSize;
        if (change.add) {
            LeafDocument document = new LeafDocument();
            document.docId = change.docId;
            document.title = change.title;
            document.vectorInt8 = change.vectorInt8;
            document.vectorScale = change.vectorScale;
            document.vector = change.vector;
            leafDocuments.put(documentKey, document);
            leafSize = present ? count(change.semanticId) : adjustCounts(change.semanticId, +1);
            indexed.inc();
        } else {
            if (!present) {
                return; // the upsert/delete step only removes what it added: nothing to do
            }
            leafDocuments.remove(documentKey);
            leafSize = adjustCounts(change.semanticId, -1);
        }
        if (!present || !change.add) {
            ctx.output(LEAF_SIZES, new LeafSizeChange(change.semanticId, change.add, leafSize,
                    change.codesPerPosition, change.modelVersion));
        }
        if (change.emitAssignment) {
            out.collect(new AssignmentRecord(change.docId, change.semanticId, change.modelVersion, change.op,
                    System.currentTimeMillis()));
        }
    }

    private int count(String prefix) throws Exception {
        Integer n = prefixCounts.get(prefix);
        return n == null ? 0 : n;
    }

    /** Adds {@code delta} to the leaf and each of its prefixes from the key down; returns the leaf's new size. */
    private int adjustCounts(String leaf, int delta) throws Exception {
        int leafSize = 0;
        int codes = leaf.split("\\.").length;
        for (int length = Math.min(keyPrefixLength, codes); length <= codes; length++) {
            String prefix = IdPrefixKey.prefix(leaf, length);
            int after = count(prefix) + delta;
            if (after <= 0) {
                prefixCounts.remove(prefix);
            } else {
                prefixCounts.put(prefix, after);
            }
            leafSize = Math.max(after, 0);
        }
        return leafSize;
    }
}
