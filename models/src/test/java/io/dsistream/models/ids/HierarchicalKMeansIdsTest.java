package io.dsistream.models.ids;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HierarchicalKMeansIdsTest {

    private static final int BLOBS = 6;

    /** {@code n} points around {@code BLOBS} far-apart centres in 16 dimensions; blob of point i is i % BLOBS. */
    private static float[][] blobs(int n, long seed) {
        Random random = new Random(seed);
        float[][] centres = new float[BLOBS][16];
        for (int b = 0; b < BLOBS; b++) {
            centres[b][b] = 20f;
        }
        float[][] points = new float[n][16];
        for (int i = 0; i < n; i++) {
            for (int h = 0; h < 16; h++) {
                points[i][h] = centres[i % BLOBS][h] + (float) random.nextGaussian();
            }
        }
        return points;
    }

    private static void assertValidDsiIds(List<SemanticId> ids, int n, int k, int c) {
        assertEquals(n, ids.size());
        assertEquals(n, new HashSet<>(ids).size(), "IDs are unique");
        List<SemanticId> sorted = new ArrayList<>(ids);
        sorted.sort(null);
        for (int i = 1; i < sorted.size(); i++) {
            // In natural order an ID that is a prefix of any other is a prefix of its successor.
            assertFalse(sorted.get(i - 1).isPrefixOf(sorted.get(i)), sorted.get(i - 1) + " prefixes " + sorted.get(i));
        }
        Map<SemanticId, Integer> leafClusterSizes = new HashMap<>();
        for (SemanticId id : ids) {
            assertTrue(id.length() >= 2, "every ID is a cluster path then a leaf index: " + id);
            for (int p = 0; p < id.length() - 1; p++) {
                assertTrue(id.code(p) < k, "cluster code below k in " + id);
            }
            assertTrue(id.code(id.length() - 1) < c, "leaf index below c in " + id);
            leafClusterSizes.merge(id.prefix(id.length() - 1), 1, Integer::sum);
        }
        leafClusterSizes.forEach((cluster, size) -> assertTrue(size <= c, cluster + " holds " + size + " > c"));
    }

    @Test
    void buildsUniquePrefixFreeIdsWithSmallLeaves() {
        float[][] points = blobs(2_400, 1);
        HierarchicalKMeansIds builder = new HierarchicalKMeansIds(10, 100, 7);
        List<SemanticId> ids = builder.assign(points);
        assertValidDsiIds(ids, points.length, 10, 100);
        assertEquals(100, builder.codesPerPosition());
        assertTrue(ids.stream().anyMatch(id -> id.length() >= 3), "2400 / 10 > 100: some clusters are split again");

        // Semantic structure: well-separated blobs never share a first-level cluster.
        Map<Integer, Set<Integer>> blobsPerFirstCode = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            blobsPerFirstCode.computeIfAbsent(ids.get(i).code(0), x -> new HashSet<>()).add(i % BLOBS);
        }
        blobsPerFirstCode.forEach((code, blobs) -> assertEquals(1, blobs.size(), "cluster " + code + " mixes " + blobs));

        IdVocabulary vocabulary = builder.vocabulary(ids);
        assertEquals(100, vocabulary.codesPerPosition());
        assertEquals(ids.stream().mapToInt(SemanticId::length).max().orElseThrow(), vocabulary.maxLength());
    }

    @Test
    void sameSeedSameIds() {
        float[][] points = blobs(1_500, 2);
        List<SemanticId> first = new HierarchicalKMeansIds(10, 50, 99).assign(points);
        List<SemanticId> second = new HierarchicalKMeansIds(10, 50, 99).assign(points);
        assertEquals(first, second);
        assertValidDsiIds(first, points.length, 10, 50);
    }

    @Test
    void identicalEmbeddingsStillTerminate() {
        float[][] same = new float[350][4];
        for (float[] row : same) {
            row[0] = 1f;
        }
        List<SemanticId> ids = new HierarchicalKMeansIds(10, 20, 1).assign(same);
        assertValidDsiIds(ids, same.length, 10, 20);
    }

    @Test
    void fewerDocumentsThanClustersGetOneClusterEach() {
        float[][] points = blobs(4, 3);
        assertEquals(List.of(SemanticId.of(0, 0), SemanticId.of(1, 0), SemanticId.of(2, 0), SemanticId.of(3, 0)),
                new HierarchicalKMeansIds().assign(points));
        assertEquals(List.of(), new HierarchicalKMeansIds().assign(new float[0][]));
    }
}
