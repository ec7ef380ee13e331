package io.dsistream.schemas.indexing;

import io.dsistream.schemas.DocumentOp;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class IndexingTypesAsFlinkPojosTest {

    @Test
    void everyIndexingTypeIsAPojoSoNoKryoIsNeeded() {
        for (Class<?> type : List.of(SourceDocument.class, IndexRequest.class, DocumentEntry.class, IndexChange.class,
                LeafDocument.class, LeafSizeChange.class, GenerationState.class, GenerationProgress.class)) {
            TypeInformation<?> info = TypeExtractor.createTypeInfo(type);
            assertInstanceOf(PojoTypeInfo.class, info, type.getName());
            SerializerConfigImpl config = new SerializerConfigImpl();
            config.setGenericTypes(false);
            info.createSerializer(config); // throws if any field would need Kryo
        }
    }

    @Test
    void indexRequestRoundTripsThroughItsPojoSerializer() throws Exception {
        IndexRequest request = new IndexRequest();
        request.docId = "d1";
        request.op = DocumentOp.UPSERT;
        request.embedding = new float[] {0.5f, -0.25f};
        request.codes = new int[] {3, 1, 4};
        request.appendTs = 1234L;
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        @SuppressWarnings("unchecked")
        TypeSerializer<IndexRequest> serializer = (TypeSerializer<IndexRequest>) TypeExtractor
                .createTypeInfo(IndexRequest.class).createSerializer(config);
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(request, out);
        IndexRequest back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertEquals("d1", back.docId);
        assertEquals(DocumentOp.UPSERT, back.op);
        assertArrayEquals(new float[] {0.5f, -0.25f}, back.embedding);
        assertArrayEquals(new int[] {3, 1, 4}, back.codes);
        assertEquals(1234L, back.appendTs);
    }

    @Test
    void contentHashSeparatesTitleFromTextAndIsStable() {
        assertEquals(IndexRequest.contentHash("a", "b"), IndexRequest.contentHash("a", "b"));
        assertNotEquals(IndexRequest.contentHash("ab", ""), IndexRequest.contentHash("a", "b"));
        assertNotEquals(IndexRequest.contentHash(null, "x"), IndexRequest.contentHash(null, "y"));
        // FNV-1a 64 of the empty title, separator 0x1F and empty text, computed by hand from the offset basis.
        long h = 0xcbf29ce484222325L;
        h = (h ^ 0x1F) * 0x100000001b3L;
        assertEquals(h, IndexRequest.contentHash(null, ""));
    }

    @Test
    void int8LeafVectorDecodesWithItsScale() {
        LeafDocument doc = new LeafDocument();
        doc.vectorInt8 = new byte[] {127, -64, 0};
        doc.vectorScale = 0.01f;
        assertArrayEquals(new float[] {1.27f, -0.64f, 0f}, doc.embedding(), 1e-6f);
    }
}
