package io.dsistream.models.ids;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * DSI's unstructured atomic docids (Tay et al. 2022, §3.2): every document is one token. Here an atomic ID is an
 * ID of length 1 whose code is the document's index, and the vocabulary has one position of N codes, so the
 * decoder's output layer is over the documents themselves (DSI: {@code O = Softmax([W_tokens; W_docs]^T h_last)});
 * decoding is one step, a top-k over documents, which {@link ConstrainedBeamSearch} does with beam size k.
 */
public final class AtomicIds {

    private AtomicIds() {
    }

    /** ID {@code i} for the document at index {@code i}, in input order; document IDs must be distinct. */
    public static List<SemanticId> assign(List<String> docIds) {
        Set<String> seen = new HashSet<>();
        List<SemanticId> ids = new ArrayList<>(docIds.size());
        for (int i = 0; i < docIds.size(); i++) {
            if (!seen.add(docIds.get(i))) {
                throw new IllegalArgumentException("document ID '" + docIds.get(i) + "' appears twice (again at index "
                        + i + ")");
            }
            ids.add(SemanticId.of(i));
        }
        return ids;
    }

    /** One position of {@code documents} codes (at least 2, a limit of {@link IdVocabulary}). */
    public static IdVocabulary vocabulary(int documents) {
        return new IdVocabulary(1, Math.max(2, documents));
    }
}
