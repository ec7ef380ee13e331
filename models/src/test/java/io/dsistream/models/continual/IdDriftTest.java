package io.dsistream.models.continual;

import ai.djl.ndarray.NDManager;
import io.dsistream.models.eval.CorpusVectors;
import io.dsistream.models.ids.SemanticId;
import io.dsistream.models.retrieval.IdModel;
import io.dsistream.models.retrieval.TinyIdModels;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Drift is the share of documents whose current ID is not their stored one. */
class IdDriftTest {

    @Test
    void shareOfDifferingIds() {
        List<SemanticId> stored = List.of(SemanticId.of(1, 2), SemanticId.of(3, 0), SemanticId.of(0, 0),
                SemanticId.of(2, 2));
        int[][] current = {{1, 2}, {3, 1}, {0, 0}, {1, 2}};
        assertEquals(0.5, IdDrift.of(stored, current), 1e-12);
        assertEquals(0.0, IdDrift.of(List.of(), new int[0][]), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> IdDrift.of(stored, new int[1][]));
    }

    @Test
    void aQuantizerAgainstItsOwnAndAlteredStoredIds() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            CorpusVectors corpus = TinyIdModels.corpus(16);
            IdModel model = TinyIdModels.model(manager, corpus);
            List<ReplayDocument> documents = new ArrayList<>();
            for (int d = 0; d < corpus.size(); d++) {
                String docId = corpus.docIds().get(d);
                documents.add(new ReplayDocument(docId, "t", model.assignments().get(docId), corpus.vector(d)));
            }
            assertEquals(0.0, IdDrift.of(model.quantizer(), documents), 1e-12, "IDs as the quantizer assigns them");
            // three of twelve stored IDs altered (the quantizer never gives 9.9), one without a stored ID skipped
            for (int d = 0; d < 3; d++) {
                documents.set(d, documents.get(d).withStoredId(SemanticId.of(9, 9)));
            }
            documents.add(new ReplayDocument("unassigned", "t", null, corpus.vector(0)));
            assertEquals(0.25, IdDrift.of(model.quantizer(), documents), 1e-12);
            model.close();
        }
    }
}
