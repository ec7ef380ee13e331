package io.dsistream.operators.indexing;

import io.dsistream.schemas.GenerationStage;
import io.dsistream.schemas.ModelUpdateRecord;
import io.dsistream.schemas.indexing.IndexRequest;
import io.dsistream.schemas.query.QueryRequest;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which model-update events become control records of the documents and queries paths. */
class ModelUpdateControlsTest {

    private static final List<ModelUpdateRecord> EVENTS = List.of(new ModelUpdateRecord("m", 2),
            new ModelUpdateRecord("m", 3, 1, GenerationStage.BUILD), new ModelUpdateRecord("m", 3, 1,
                    GenerationStage.READY), new ModelUpdateRecord("m", 3, 1, GenerationStage.DROP));

    private static List<String> queryControls(boolean generations) throws Exception {
        List<QueryRequest> out = new ArrayList<>();
        for (ModelUpdateRecord event : EVENTS) {
            ParseModelUpdates.toQueryControl(generations).flatMap(event, new ListCollector<>(out));
        }
        return out.stream().map(c -> "v" + c.switchToVersion + " g" + c.generation).toList();
    }

    private static List<Integer> documentControls(boolean generations) throws Exception {
        List<IndexRequest> out = new ArrayList<>();
        for (ModelUpdateRecord event : EVENTS) {
            ParseModelUpdates.toDocumentControl(generations).flatMap(event, new ListCollector<>(out));
        }
        return out.stream().map(c -> c.switchToVersion).toList();
    }

    @Test
    void aPlainSwapAndAReadyGenerationSwitchVersionsBuildAndDropOnlyConcernTheTrie() throws Exception {
        assertEquals(List.of("v2 g0", "v3 g1"), queryControls(true));
        assertEquals(List.of(2, 3), documentControls(true));
    }

    @Test
    void withGenerationsOffEveryGenerationEventIsIgnored() throws Exception {
        assertEquals(List.of("v2 g0"), queryControls(false));
        assertEquals(List.of(2), documentControls(false));
    }
}
