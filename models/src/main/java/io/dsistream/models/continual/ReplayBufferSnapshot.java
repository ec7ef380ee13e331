package io.dsistream.models.continual;

import io.dsistream.models.ids.SemanticId;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A {@link ReplayBuffer}'s whole state as plain data (strings, numbers, float arrays), for a Flink operator's
 * list state or any serializer; {@link #toBytes()} and {@link #fromBytes} give a compact binary form (format 1).
 *
 * @param reservoirCapacity the reservoir's size limit
 * @param windowCapacity    the window's size limit
 * @param seed              the seed the buffer was created with
 * @param randomState       the SplitMix64 state now
 * @param seen              distinct documents added so far
 * @param reservoir         the reservoir's documents in slot order
 * @param window            the window's documents, oldest first
 */
public record ReplayBufferSnapshot(int reservoirCapacity, int windowCapacity, long seed, long randomState, long seen,
                                   List<Entry> reservoir, List<Entry> window) {

    private static final int FORMAT = 1;
    private static final String MAGIC = "dsi-replay-buffer";

    public ReplayBufferSnapshot {
        reservoir = List.copyOf(reservoir);
        window = List.copyOf(window);
    }

    /**
     * One document as plain data.
     *
     * @param storedId the stored ID as text ({@code 3.14.1}), or null
     */
    public record Entry(String docId, String text, String storedId, float[] vector) {

        static Entry of(ReplayDocument document) {
            return new Entry(document.docId(), document.text(),
                    document.storedId() == null ? null : document.storedId().toString(), document.vector());
        }

        ReplayDocument toDocument() {
            return new ReplayDocument(docId, text, storedId == null ? null : SemanticId.parse(storedId), vector);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry other && docId.equals(other.docId) && text.equals(other.text)
                    && Objects.equals(storedId, other.storedId) && Arrays.equals(vector, other.vector);
        }

        @Override
        public int hashCode() {
            return Objects.hash(docId, text, storedId) * 31 + Arrays.hashCode(vector);
        }
    }

    /** The binary form: a magic string, the format, the counters, then each entry. */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(MAGIC);
            out.writeInt(FORMAT);
            out.writeInt(reservoirCapacity);
            out.writeInt(windowCapacity);
            out.writeLong(seed);
            out.writeLong(randomState);
            out.writeLong(seen);
            writeEntries(out, reservoir);
            writeEntries(out, window);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads what {@link #toBytes()} wrote.
     *
     * @throws IllegalArgumentException when the bytes are not a replay buffer snapshot of format 1, or truncated
     */
    public static ReplayBufferSnapshot fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            String magic = in.readUTF();
            if (!MAGIC.equals(magic)) {
                throw new IllegalArgumentException("not a replay buffer snapshot: magic '" + magic + "'");
            }
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IllegalArgumentException("replay buffer snapshot format " + format + "; this build reads "
                        + FORMAT);
            }
            int reservoirCapacity = in.readInt();
            int windowCapacity = in.readInt();
            long seed = in.readLong();
            long randomState = in.readLong();
            long seen = in.readLong();
            List<Entry> reservoir = readEntries(in);
            List<Entry> window = readEntries(in);
            return new ReplayBufferSnapshot(reservoirCapacity, windowCapacity, seed, randomState, seen, reservoir,
                    window);
        } catch (IOException e) {
            throw new IllegalArgumentException("replay buffer snapshot is truncated or corrupt: " + e, e);
        }
    }

    static void writeEntries(DataOutputStream out, List<Entry> entries) throws IOException {
        out.writeInt(entries.size());
        for (Entry entry : entries) {
            out.writeUTF(entry.docId());
            byte[] text = entry.text().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.writeInt(text.length); // writeUTF stops at 64 KB; texts may be longer
            out.write(text);
            out.writeBoolean(entry.storedId() != null);
            if (entry.storedId() != null) {
                out.writeUTF(entry.storedId());
            }
            out.writeInt(entry.vector().length);
            for (float value : entry.vector()) {
                out.writeFloat(value);
            }
        }
    }

    static List<Entry> readEntries(DataInputStream in) throws IOException {
        int count = in.readInt();
        List<Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String docId = in.readUTF();
            byte[] text = new byte[in.readInt()];
            in.readFully(text);
            String storedId = in.readBoolean() ? in.readUTF() : null;
            float[] vector = new float[in.readInt()];
            for (int j = 0; j < vector.length; j++) {
                vector[j] = in.readFloat();
            }
            entries.add(new Entry(docId, new String(text, java.nio.charset.StandardCharsets.UTF_8), storedId, vector));
        }
        return entries;
    }
}
