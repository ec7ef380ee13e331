package io.dsistream.operators.indexing;

import io.dsistream.models.eval.Ranking;
import io.dsistream.models.eval.ScoredDoc;
import io.dsistream.models.ids.SemanticId;
import io.dsistream.models.retrieval.CandidateLeaf;
import io.dsistream.models.retrieval.LeafLookup;
import io.dsistream.models.retrieval.StreamingRetrievalOptions;
import io.dsistream.models.retrieval.TrieView;
import io.dsistream.operators.query.QueryMetrics;
import io.dsistream.schemas.AssignmentRecord;
import io.dsistream.schemas.indexing.GenerationProgress;
import io.dsistream.schemas.indexing.IndexChange;
import io.dsistream.schemas.indexing.LeafDocument;
import io.dsistream.schemas.indexing.LeafSizeChange;
import io.dsistream.schemas.query.LeafHits;
import io.dsistream.schemas.query.LeafQuery;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The docid trie in keyed state, keyed by ID prefix ({@link IdPrefixKey}), serving both inputs of the job: index
 * changes (first input) and the leaf lookups of queries (second input), so a query reads the authoritative trie —
 * a document whose assignment was emitted before the query reached this operator is visible to it.
 *
 * <p>Three RocksDB map states per key: {@code prefix-counts}, every prefix of the subtree from the key down to the
 * leaves → documents below it (a leaf's count is its size); {@code leaf-documents}, {@code <leaf>/<docId>} → the
 * document's rerank features; and {@code leaf-members}, leaf → its document ids, so a lookup reads one leaf
 * without scanning the key's other leaves. Entries at zero are removed, so an emptied subtree leaves no state.
 *
 * <p>Each index generation is separate keyed state: its keys carry the generation ({@link IdPrefixKey#key}), and so
 * do the queries' trie keys. Each applied change emits its assignment record (the remove half of a replace emits
 * none) and a {@link LeafSizeChange} on {@link #LEAF_SIZES}; a re-assignment into a generation being built is
 * acknowledged on {@link GenerationCoordinator#PROGRESS}. Each {@link LeafQuery} is answered by {@link LeafLookup} (empty
 * candidates back off inside this key's subtree) with one {@link LeafHits} on {@link #LEAF_HITS}.
 */
public class TrieIndex extends KeyedCoProcessFunction<String, IndexChange, LeafQuery, AssignmentRecord> {

    private static final long serialVersionUID = 1L;

    /** Leaf size changes, for {@link BalanceMonitor}. */
    public static final OutputTag<LeafSizeChange> LEAF_SIZES =
            new OutputTag<>("leaf-sizes", TypeInformation.of(LeafSizeChange.class));

    /** Answers to leaf lookups, for {@link io.dsistream.operators.query.Gather}. */
    public static final OutputTag<LeafHits> LEAF_HITS =
            new OutputTag<>("leaf-hits", TypeInformation.of(LeafHits.class));

    private final int keyPrefixLength;
    private final StreamingRetrievalOptions retrieval;
    private transient MapState<String, Integer> prefixCounts;
    private transient MapState<String, LeafDocument> leafDocuments;
    private transient MapState<String, String[]> leafMembers;
    private transient Counter indexed;
    private transient Counter lookups;

    /**
     * @param keyPrefixLength codes in the key, as given to {@link IdPrefixKey}
     * @param retrieval       back-off and score weights of leaf lookups
     */
    public TrieIndex(int keyPrefixLength, StreamingRetrievalOptions retrieval) {
        this.keyPrefixLength = keyPrefixLength;
        this.retrieval = retrieval;
    }

    @Override
    public void open(OpenContext openContext) {
        prefixCounts = getRuntimeContext().getMapState(new MapStateDescriptor<>("prefix-counts", Types.STRING, Types.INT));
        leafDocuments = getRuntimeContext().getMapState(new MapStateDescriptor<>("leaf-documents", Types.STRING,
                TypeInformation.of(LeafDocument.class)));
        leafMembers = getRuntimeContext().getMapState(new MapStateDescriptor<>("leaf-members", Types.STRING,
                BasicArrayTypeInfo.STRING_ARRAY_TYPE_INFO));
        indexed = getRuntimeContext().getMetricGroup().counter(IndexingMetrics.INDEXED);
        lookups = getRuntimeContext().getMetricGroup().counter(QueryMetrics.LEAF_LOOKUPS);
    }

    @Override
    public void processElement1(IndexChange change, Context ctx, Collector<AssignmentRecord> out) throws Exception {
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
            if (present) {
                leafSize = count(change.semanticId);
            } else {
                leafSize = adjustCounts(change.semanticId, +1);
                addMember(change.semanticId, change.docId);
            }
            indexed.inc();
        } else {
            if (!present) {
                return; // the upsert/delete step only removes what it added: nothing to do
            }
            leafDocuments.remove(documentKey);
            leafSize = adjustCounts(change.semanticId, -1);
            removeMember(change.semanticId, change.docId);
        }
        if (!present || !change.add) {
            LeafSizeChange sizeChange = new LeafSizeChange(change.semanticId, change.add, leafSize,
                    change.codesPerPosition, change.modelVersion);
            sizeChange.generation = change.generation;
            ctx.output(LEAF_SIZES, sizeChange);
        }
        if (change.rebuild && change.add) {
            ctx.output(GenerationCoordinator.PROGRESS, GenerationProgress.applied(change.generation, 1));
        }
        if (change.emitAssignment) {
            out.collect(new AssignmentRecord(change.docId, change.semanticId, change.modelVersion, change.op,
                    System.currentTimeMillis()));
        }
    }

    @Override
    public void processElement2(LeafQuery query, Context ctx, Collector<AssignmentRecord> out) {
        List<CandidateLeaf> candidates = new ArrayList<>(query.leaves.length);
        for (int i = 0; i < query.leaves.length; i++) {
            candidates.add(new CandidateLeaf(SemanticId.parse(query.leaves[i]), query.decoderScores[i]));
        }
        Ranking ranking = LeafLookup.search(new StateTrieView(), candidates, query.vector, query.codeLogProbs,
                query.k, retrieval,
                query.codesPerPosition, keyPrefixLength);
        LeafHits hits = new LeafHits();
        hits.queryId = query.queryId;
        hits.docsScored = ranking.docsScored();
        hits.docIds = new String[ranking.size()];
        hits.scores = new float[ranking.size()];
        hits.semanticIds = new String[ranking.size()];
        for (int i = 0; i < ranking.size(); i++) {
            ScoredDoc doc = ranking.docs().get(i);
            hits.docIds[i] = doc.docId();
            hits.scores[i] = doc.score();
            hits.semanticIds[i] = doc.semanticId();
        }
        lookups.inc();
        ctx.output(LEAF_HITS, hits);
    }

    /** This key's part of the trie, read from state; state errors surface as {@link IllegalStateException}. */
    private final class StateTrieView implements TrieView {

        @Override
        public int documentsUnder(SemanticId prefix) {
            try {
                return count(prefix.toString());
            } catch (Exception e) {
                throw new IllegalStateException("cannot read prefix-counts of " + prefix, e);
            }
        }

        @Override
        public List<LeafMember> members(SemanticId leaf) {
            String leafId = leaf.toString();
            try {
                String[] docIds = leafMembers.get(leafId);
                if (docIds == null) {
                    return List.of();
                }
                List<LeafMember> members = new ArrayList<>(docIds.length);
                for (String docId : docIds) {
                    LeafDocument document = leafDocuments.get(leafId + "/" + docId);
                    if (document != null) {
                        members.add(new LeafMember(docId, document.embedding()));
                    }
                }
                return members;
            } catch (Exception e) {
                throw new IllegalStateException("cannot read the documents of leaf " + leafId, e);
            }
        }
    }

    private void addMember(String leaf, String docId) throws Exception {
        String[] members = leafMembers.get(leaf);
        String[] grown = members == null ? new String[1] : Arrays.copyOf(members, members.length + 1);
        grown[grown.length - 1] = docId;
        leafMembers.put(leaf, grown);
    }

    private void removeMember(String leaf, String docId) throws Exception {
        String[] members = leafMembers.get(leaf);
        if (members == null) {
            return;
        }
        String[] kept = Arrays.stream(members).filter(m -> !m.equals(docId)).toArray(String[]::new);
        if (kept.length == 0) {
            leafMembers.remove(leaf);
        } else {
            leafMembers.put(leaf, kept);
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
