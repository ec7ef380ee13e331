package io.dsistream.operators.query;

import io.dsistream.operators.indexing.IdPrefixKey;
import io.dsistream.schemas.query.LeafQuery;
import io.dsistream.schemas.query.QueryHeader;
import io.dsistream.schemas.query.QueryRequest;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits a planned query into one {@link LeafQuery} per trie key its candidate leaves fall under, so each part is
 * answered where that subtree's state lives (in the index generation the query was planned for), and sends the {@link QueryHeader} (how many parts to wait for) to
 * {@link #HEADERS}. A failed plan sends no parts and a failed header; a model-update control record stops here.
 * Stateless.
 */
public class SplitByTrieKey extends ProcessFunction<QueryRequest, LeafQuery> {

    private static final long serialVersionUID = 1L;

    /** The headers, for {@link Gather}. */
    public static final OutputTag<QueryHeader> HEADERS =
            new OutputTag<>("query-headers", TypeInformation.of(QueryHeader.class));

    private final int keyPrefixLength;

    /** @param keyPrefixLength the trie's key length, as given to {@link IdPrefixKey} */
    public SplitByTrieKey(int keyPrefixLength) {
        this.keyPrefixLength = keyPrefixLength;
    }

    @Override
    public void processElement(QueryRequest request, Context ctx, Collector<LeafQuery> out) {
        if (request.switchToVersion > 0) {
            return; // a model-update control record: the planner has switched, nothing to answer
        }
        QueryHeader header = new QueryHeader();
        header.queryId = request.queryId;
        header.text = request.text;
        header.k = request.k;
        header.receivedAtMillis = request.receivedAtMillis;
        header.modelVersion = request.modelVersion;
        header.failed = request.failed;
        Map<String, List<Integer>> byKey = new LinkedHashMap<>();
        if (!request.failed && request.candidateLeaves != null) {
            for (int i = 0; i < request.candidateLeaves.length; i++) {
                byKey.computeIfAbsent(IdPrefixKey.key(request.generation,
                                IdPrefixKey.prefix(request.candidateLeaves[i], keyPrefixLength)),
                        key -> new ArrayList<>()).add(i);
            }
        }
        header.parts = byKey.size();
        ctx.output(HEADERS, header);
        for (Map.Entry<String, List<Integer>> entry : byKey.entrySet()) {
            List<Integer> indices = entry.getValue();
            LeafQuery part = new LeafQuery();
            part.queryId = request.queryId;
            part.trieKey = entry.getKey();
            part.k = request.k;
            part.codesPerPosition = request.codesPerPosition;
            part.generation = request.generation;
            part.vector = request.vector;
            part.codeLogProbs = request.codeLogProbs;
            part.leaves = new String[indices.size()];
            part.decoderScores = new double[indices.size()];
            for (int j = 0; j < indices.size(); j++) {
                part.leaves[j] = request.candidateLeaves[indices.get(j)];
                part.decoderScores[j] = request.decoderScores[indices.get(j)];
            }
            out.collect(part);
        }
    }
}
