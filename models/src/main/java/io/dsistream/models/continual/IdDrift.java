package io.dsistream.models.continual;

import io.dsistream.models.asi.SemanticQuantizer;
import io.dsistream.models.ids.SemanticId;

import java.util.List;

/**
 * ID drift (issue 7): the share of sampled documents whose ID under the current quantizer differs from the ID stored
 * when they were indexed. Stored IDs are kept (stable IDs), so drift measures how far the quantizer has moved away
 * from the index it serves; past a threshold a new index generation re-assigns everything.
 */
public final class IdDrift {

    private IdDrift() {
    }

    /**
     * @param documents sampled documents with stored IDs (those without one are skipped)
     * @return the share in [0, 1] of documents whose current quantizer ID is not their stored ID; 0 for no
     *     document with a stored ID
     */
    public static double of(SemanticQuantizer quantizer, List<ReplayDocument> documents) {
        List<ReplayDocument> stored = documents.stream().filter(d -> d.storedId() != null).toList();
        if (stored.isEmpty()) {
            return 0.0;
        }
        float[][] vectors = new float[stored.size()][];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = stored.get(i).vector();
        }
        int[][] current = quantizer.assign(vectors);
        return of(stored.stream().map(ReplayDocument::storedId).toList(), current);
    }

    /** The share of positions {@code i} where {@code current[i]} is not the codes of {@code stored.get(i)}. */
    public static double of(List<SemanticId> stored, int[][] current) {
        if (stored.size() != current.length) {
            throw new IllegalArgumentException(stored.size() + " stored IDs but " + current.length + " current IDs");
        }
        if (current.length == 0) {
            return 0.0;
        }
        int differing = 0;
        for (int i = 0; i < current.length; i++) {
            if (!stored.get(i).equals(SemanticId.of(current[i]))) {
                differing++;
            }
        }
        return (double) differing / current.length;
    }
}
