package io.dsistream.schemas;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A rejected input record on the {@code dead-letters} topic:
 * {@code {"sourceTopic", "partition", "offset", "reason", "error", "raw", "rawEncoding", "rawBytes", "rawTruncated", "ts"}}.
 *
 * <p>{@code raw} is the original record as a string when it is valid UTF-8 ({@code rawEncoding: "utf8"}),
 * else base64 ({@code "base64"}), so that the bytes that failed can be replayed exactly. At most
 * {@link WireLimits#DEAD_LETTER_MAX_RAW_BYTES} bytes are kept (cut at a character boundary), so a
 * 16 MiB record cannot make a dead letter the broker refuses; {@code rawBytes} is the original length.
 * A Flink POJO.
 */
@JsonPropertyOrder({"sourceTopic", "partition", "offset", "reason", "error", "raw", "rawEncoding", "rawBytes", "rawTruncated", "ts"})
public class DeadLetterRecord {

    public static final String RAW_UTF8 = "utf8";
    public static final String RAW_BASE64 = "base64";

    public String sourceTopic;
    /** Kafka partition of the rejected record, or -1 when it did not come from Kafka. */
    public int partition;
    /** Kafka offset of the rejected record, or -1 when it did not come from Kafka. */
    public long offset;
    public RejectReason reason;
    /** Human-readable message naming the offending field. */
    public String error;
    public String raw;
    /** {@value #RAW_UTF8} or {@value #RAW_BASE64}. */
    public String rawEncoding;
    /** Length of the original record in bytes (before any cut). */
    public int rawBytes;
    /** True when {@code raw} holds only the first bytes of the record. */
    public boolean rawTruncated;
    /** When the record was dead-lettered, epoch milliseconds. */
    public long ts;

    public DeadLetterRecord() {
    }

    /** A dead letter for {@code raw}, keeping at most {@link WireLimits#DEAD_LETTER_MAX_RAW_BYTES} of it. */
    public static DeadLetterRecord of(String sourceTopic, int partition, long offset, byte[] raw,
                                      RejectReason reason, String error, long ts) {
        return of(sourceTopic, partition, offset, raw, reason, error, ts, WireLimits.DEAD_LETTER_MAX_RAW_BYTES);
    }

    /** As {@link #of(String, int, long, byte[], RejectReason, String, long)} with an explicit cap on kept bytes. */
    public static DeadLetterRecord of(String sourceTopic, int partition, long offset, byte[] raw,
                                      RejectReason reason, String error, long ts, int maxRawBytes) {
        DeadLetterRecord letter = new DeadLetterRecord();
        letter.sourceTopic = sourceTopic;
        letter.partition = partition;
        letter.offset = offset;
        letter.reason = Objects.requireNonNull(reason, "reason");
        letter.error = error;
        letter.ts = ts;
        byte[] bytes = raw == null ? new byte[0] : raw;
        letter.rawBytes = bytes.length;
        if (WireObjectReader.isValidUtf8(bytes)) {
            int cut = Math.min(bytes.length, maxRawBytes);
            // Step back over UTF-8 continuation bytes (10xxxxxx) so the cut never splits a character.
            while (cut < bytes.length && cut > 0 && (bytes[cut] & 0xC0) == 0x80) {
                cut--;
            }
            letter.raw = new String(bytes, 0, cut, StandardCharsets.UTF_8);
            letter.rawEncoding = RAW_UTF8;
            letter.rawTruncated = cut < bytes.length;
        } else {
            int cut = Math.min(bytes.length, maxRawBytes);
            letter.raw = Base64.getEncoder().encodeToString(Arrays.copyOf(bytes, cut));
            letter.rawEncoding = RAW_BASE64;
            letter.rawTruncated = cut < bytes.length;
        }
        return letter;
    }

    /** The kept bytes of the original record, decoded from {@code raw} by its {@code rawEncoding}. */
    public byte[] rawBytesKept() {
        return RAW_BASE64.equals(rawEncoding) ? Base64.getDecoder().decode(raw) : raw.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DeadLetterRecord)) {
            return false;
        }
        DeadLetterRecord that = (DeadLetterRecord) o;
        return partition == that.partition && offset == that.offset && rawBytes == that.rawBytes
                && rawTruncated == that.rawTruncated && ts == that.ts && Objects.equals(sourceTopic, that.sourceTopic)
                && reason == that.reason && Objects.equals(error, that.error) && Objects.equals(raw, that.raw)
                && Objects.equals(rawEncoding, that.rawEncoding);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sourceTopic, partition, offset, reason, error, raw, rawEncoding, rawBytes, rawTruncated, ts);
    }

    @Override
    public String toString() {
        return "DeadLetterRecord{" + sourceTopic + "/" + partition + "@" + offset + ", " + reason + ": " + error
                + ", rawBytes=" + rawBytes + "}";
    }
}
