package io.dsistream.operators.indexing;

import io.dsistream.models.ids.IdVocabulary;
import io.dsistream.models.serving.IdAssigner;

/**
 * Stand-in quantizers for generation tests: version N assigns {@code N.x.0} where x is the embedding's last
 * component, so a test reads which version placed a document.
 */
final class VersionedAssigners implements AssignerSource {

    private static final long serialVersionUID = 1L;

    @Override
    public IdAssigner open(int version) {
        return new IdAssigner() {
            @Override
            public int[][] assign(float[][] embeddings) {
                int[][] ids = new int[embeddings.length][];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = new int[] {version, Math.round(embeddings[i][embeddings[i].length - 1]), 0};
                }
                return ids;
            }

            @Override
            public IdVocabulary vocabulary() {
                return new IdVocabulary(3, 8);
            }

            @Override
            public String modelVersion() {
                return "test/v" + version;
            }

            @Override
            public void close() {
            }
        };
    }
}
