package io.dsistream.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.io.IOException;
import java.util.stream.Stream;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every wire record is a Flink POJO: analysed as {@link PojoTypeInfo}, serialized by {@link PojoSerializer}
 * with generic types disabled (so nothing falls back to Kryo, as with {@code pipeline.generic-types: false}),
 * and a value survives the round trip.
 */
class WireRecordsAsFlinkPojosTest {

    static Stream<Arguments> records() {
        return Stream.of(
                Arguments.of(new DocumentRecord("d1", "T", "text", DocumentOp.UPSERT, 5L)),
                Arguments.of(new DocumentRecord("d2", null, null, DocumentOp.DELETE, null)),
                Arguments.of(new QueryRecord("q1", "what", 1000, 7L, true)),
                Arguments.of(new FeedbackRecord("what", "d1", 0.5f, null)),
                Arguments.of(new AssignmentRecord("d1", "1.2.3", "asi/v1", DocumentOp.UPSERT, 9L)),
                Arguments.of(DeadLetterRecord.of("documents", 1, 2L, new byte[] {(byte) 0xFF}, RejectReason.INVALID_UTF8, "bad", 3L)),
                Arguments.of(new EnrichedQueryRecord("q1", "what", new QueryResult[] {new QueryResult("d1", 0.5f, "1.2")}, "asi/v1", 4L, false)),
                Arguments.of(new EnrichedQueryRecord("q2", "none", new QueryResult[0], "asi/v1", 4L, true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    <T> void isAPojoSerializedWithoutKryo(T record) throws IOException {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) record.getClass();
        TypeInformation<T> info = TypeExtractor.createTypeInfo(type);
        SerializerConfigImpl noGenericTypes = new SerializerConfigImpl();
        noGenericTypes.setGenericTypes(false);

        assertInstanceOf(PojoTypeInfo.class, info, () -> type + " is analysed as " + info);
        TypeSerializer<T> serializer = info.createSerializer(noGenericTypes);
        assertInstanceOf(PojoSerializer.class, serializer);

        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(record, out);
        T copy = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        assertNotSame(record, copy);
        assertEquals(record, copy);
    }
}
