package io.dsistream.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keyed state written by Flink's {@link PojoSerializer} for version 1 of a POJO is read back after the POJO
 * gains fields, through the serializer snapshot stored in the checkpoint, as a job restore does.
 *
 * <p>The two versions must share one class name, so each is compiled at test time into its own directory
 * and loaded by its own class loader (the trick Flink's own PojoSerializerUpgradeTest plays with
 * {@code ClassLoaderUtils}). The restore path mirrors the state backend: read the versioned snapshot with
 * the new code's class loader, ask the new serializer whether it is compatible, and if it needs migration,
 * read the old bytes with the snapshot's restored serializer and write them with the new one.
 */
class PojoStateSchemaEvolutionTest {

    private static final String CLASS_NAME = "io.dsistream.schemas.evolving.LeafMember";

    private static final String VERSION_1 = """
            package io.dsistream.schemas.evolving;
            public class LeafMember {
                public String docId;
                public String title;
                public float[] vector;
                public LeafMember() {}
            }
            """;

    /** Version 2 adds two fields; the old ones keep name and type. */
    private static final String VERSION_2 = """
            package io.dsistream.schemas.evolving;
            public class LeafMember {
                public String docId;
                public String title;
                public float[] vector;
                public String modelVersion;
                public long assignedAtMillis;
                public LeafMember() {}
            }
            """;

    /** A change Flink cannot migrate: an existing field changes type. */
    private static final String VERSION_CHANGED_TYPE = """
            package io.dsistream.schemas.evolving;
            public class LeafMember {
                public String docId;
                public String title;
                public double[] vector;
                public LeafMember() {}
            }
            """;

    @TempDir
    Path workDir;

    private SerializerConfigImpl config;

    @BeforeEach
    void noKryo() {
        config = new SerializerConfigImpl();
        config.setGenericTypes(false);
    }

    @Test
    void stateWrittenByVersionOneIsReadByVersionTwoAfterMigration() throws Exception {
        Class<?> v1 = compileAndLoad("v1", VERSION_1);
        TypeSerializer<Object> v1Serializer = pojoSerializer(v1);
        Object written = v1.getConstructor().newInstance();
        set(written, "docId", "doc-17");
        set(written, "title", "Streaming indexes");
        set(written, "vector", new float[] {0.6f, -0.8f, 0f});
        byte[] stateBytes = serialize(v1Serializer, written);
        byte[] snapshotBytes = writeSnapshot(v1Serializer.snapshotConfiguration());

        Class<?> v2 = compileAndLoad("v2", VERSION_2);
        TypeSerializerSnapshot<Object> restoredSnapshot = readSnapshot(snapshotBytes, v2.getClassLoader());
        TypeSerializer<Object> v2Serializer = pojoSerializer(v2);
        TypeSerializerSchemaCompatibility<Object> compatibility =
                v2Serializer.snapshotConfiguration().resolveSchemaCompatibility(restoredSnapshot);

        assertTrue(compatibility.isCompatibleAfterMigration(), compatibility::toString);
        Object migrated = restoredSnapshot.restoreSerializer().deserialize(new DataInputDeserializer(stateBytes));
        assertSame(v2, migrated.getClass());
        assertEquals("doc-17", get(migrated, "docId"));
        assertEquals("Streaming indexes", get(migrated, "title"));
        assertArrayEquals(new float[] {0.6f, -0.8f, 0f}, (float[]) get(migrated, "vector"));
        assertNull(get(migrated, "modelVersion"));
        assertEquals(0L, get(migrated, "assignedAtMillis"));

        // After migration the state backend rewrites the value with the new serializer.
        set(migrated, "modelVersion", "asi/v2");
        set(migrated, "assignedAtMillis", 1_700_000_000_000L);
        Object reread = v2Serializer.deserialize(new DataInputDeserializer(serialize(v2Serializer, migrated)));
        assertEquals("asi/v2", get(reread, "modelVersion"));
        assertEquals(1_700_000_000_000L, get(reread, "assignedAtMillis"));
        assertArrayEquals(new float[] {0.6f, -0.8f, 0f}, (float[]) get(reread, "vector"));
    }

    @Test
    void unchangedClassIsCompatibleAsIs() throws Exception {
        Class<?> v1 = compileAndLoad("v1", VERSION_1);
        byte[] snapshotBytes = writeSnapshot(pojoSerializer(v1).snapshotConfiguration());

        Class<?> v1Again = compileAndLoad("v1-again", VERSION_1);
        TypeSerializerSnapshot<Object> restored = readSnapshot(snapshotBytes, v1Again.getClassLoader());

        assertTrue(pojoSerializer(v1Again).snapshotConfiguration().resolveSchemaCompatibility(restored).isCompatibleAsIs());
    }

    @Test
    void changingAFieldTypeIsDetectedAsIncompatible() throws Exception {
        Class<?> v1 = compileAndLoad("v1", VERSION_1);
        byte[] snapshotBytes = writeSnapshot(pojoSerializer(v1).snapshotConfiguration());

        Class<?> changed = compileAndLoad("changed", VERSION_CHANGED_TYPE);
        TypeSerializerSnapshot<Object> restored = readSnapshot(snapshotBytes, changed.getClassLoader());

        assertTrue(pojoSerializer(changed).snapshotConfiguration().resolveSchemaCompatibility(restored).isIncompatible());
    }

    private TypeSerializer<Object> pojoSerializer(Class<?> type) {
        @SuppressWarnings("unchecked")
        TypeSerializer<Object> serializer = (TypeSerializer<Object>) TypeExtractor.createTypeInfo(type).createSerializer(config);
        assertInstanceOf(PojoSerializer.class, serializer);
        return serializer;
    }

    /** Compiles {@code source} into its own directory and loads {@link #CLASS_NAME} with a fresh class loader. */
    private Class<?> compileAndLoad(String version, String source) throws Exception {
        Path sourceFile = workDir.resolve(version + "-src/io/dsistream/schemas/evolving/LeafMember.java");
        Path classes = workDir.resolve(version + "-classes");
        Files.createDirectories(sourceFile.getParent());
        Files.createDirectories(classes);
        Files.writeString(sourceFile, source, StandardCharsets.UTF_8);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertNotNull(compiler, "the tests need a JDK, not a JRE");
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = compiler.run(null, null, errors, "-d", classes.toString(), sourceFile.toString());
        assertEquals(0, status, () -> errors.toString(StandardCharsets.UTF_8));
        URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
        return Class.forName(CLASS_NAME, true, loader);
    }

    private static byte[] serialize(TypeSerializer<Object> serializer, Object value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(128);
        serializer.serialize(value, out);
        return out.getCopyOfBuffer();
    }

    private static byte[] writeSnapshot(TypeSerializerSnapshot<?> snapshot) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        return out.getCopyOfBuffer();
    }

    private static TypeSerializerSnapshot<Object> readSnapshot(byte[] bytes, ClassLoader loader) throws IOException {
        return TypeSerializerSnapshot.readVersionedSnapshot(new DataInputDeserializer(bytes), loader);
    }

    private static void set(Object target, String field, Object value) throws ReflectiveOperationException {
        target.getClass().getField(field).set(target, value);
    }

    private static Object get(Object target, String field) throws ReflectiveOperationException {
        return target.getClass().getField(field).get(target);
    }
}
