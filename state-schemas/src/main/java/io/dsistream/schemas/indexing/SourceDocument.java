package io.dsistream.schemas.indexing;

/** One record of the {@code documents} topic as read: its coordinates, its append time and its raw value bytes. */
public class SourceDocument {

    public String topic;
    public int partition;
    public long offset;
    /** Kafka record timestamp, ms since the epoch (the append time of the benchmark's and demo's producers). */
    public long appendTs;
    /** The record value, never null (an absent value is an empty array). */
    public byte[] raw;

    public SourceDocument() {
    }

    public SourceDocument(String topic, int partition, long offset, long appendTs, byte[] raw) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.appendTs = appendTs;
        this.raw = raw == null ? new byte[0] : raw;
    }

    @Override
    public String toString() {
        return "SourceDocument{" + topic + "/" + partition + "@" + offset + ", " + (raw == null ? 0 : raw.length) + " bytes}";
    }
}
