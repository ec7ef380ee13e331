package io.dsistream.schemas;

import static io.dsistream.schemas.DocumentParserTest.bytes;
import static io.dsistream.schemas.DocumentParserTest.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The outgoing wire formats: exact field names and order, and a read-back. */
class WireJsonTest {

    @Test
    void assignmentHasStableFieldNamesAndOrder() throws Exception {
        AssignmentRecord assignment = new AssignmentRecord("d1", AssignmentRecord.formatSemanticId(new int[] {12, 200, 3, 77}),
                "asi/v3", DocumentOp.UPSERT, 1_700_000_000_000L);

        String json = WireJson.toJson(assignment);

        assertEquals("{\"docId\":\"d1\",\"semanticId\":\"12.200.3.77\",\"modelVersion\":\"asi/v3\",\"op\":\"upsert\",\"ts\":1700000000000}", json);
        assertEquals(assignment, WireJson.fromBytes(utf8(json), AssignmentRecord.class));
    }

    @Test
    void deleteAssignmentWritesEveryField() {
        AssignmentRecord delete = new AssignmentRecord("d1", "1.2", "asi/v3", DocumentOp.DELETE, 5L);

        assertEquals("{\"docId\":\"d1\",\"semanticId\":\"1.2\",\"modelVersion\":\"asi/v3\",\"op\":\"delete\",\"ts\":5}", WireJson.toJson(delete));
    }

    @Test
    void enrichedQueryHasStableFieldNamesAndOrder() throws Exception {
        EnrichedQueryRecord answer = new EnrichedQueryRecord("q1", "what", new QueryResult[] {
                new QueryResult("d1", 0.5f, "1.2"), new QueryResult("d9", 0.25f, "1.3")}, "asi/v3", 12L, true);

        String json = WireJson.toJson(answer);

        assertEquals("{\"queryId\":\"q1\",\"text\":\"what\",\"results\":[{\"docId\":\"d1\",\"score\":0.5,\"semanticId\":\"1.2\"},"
                + "{\"docId\":\"d9\",\"score\":0.25,\"semanticId\":\"1.3\"}],\"modelVersion\":\"asi/v3\",\"latencyMs\":12,\"partial\":true}", json);
        assertEquals(answer, WireJson.fromBytes(utf8(json), EnrichedQueryRecord.class));
    }

    @Test
    void deadLetterKeepsValidUtf8AsText() throws Exception {
        byte[] raw = utf8("{\"id\":\"a\",\"text\":\"\"}");

        DeadLetterRecord letter = DeadLetterRecord.of("documents", 2, 41L, raw, RejectReason.EMPTY_TEXT, "field 'text' is empty", 9L);

        assertEquals("{\"sourceTopic\":\"documents\",\"partition\":2,\"offset\":41,\"reason\":\"EMPTY_TEXT\",\"error\":\"field 'text' is empty\","
                + "\"raw\":\"{\\\"id\\\":\\\"a\\\",\\\"text\\\":\\\"\\\"}\",\"rawEncoding\":\"utf8\",\"rawBytes\":20,\"rawTruncated\":false,\"ts\":9}",
                WireJson.toJson(letter));
        assertEquals(letter, WireJson.fromBytes(WireJson.toBytes(letter), DeadLetterRecord.class));
        assertArrayEquals(raw, letter.rawBytesKept());
    }

    @Test
    void deadLetterKeepsInvalidUtf8AsBase64() {
        byte[] raw = bytes('{', 0xC3, 0x28, '}');

        DeadLetterRecord letter = DeadLetterRecord.of("documents", 0, 3L, raw, RejectReason.INVALID_UTF8, "bad", 1L);

        assertEquals(DeadLetterRecord.RAW_BASE64, letter.rawEncoding);
        assertEquals("e8MofQ==", letter.raw);
        assertArrayEquals(raw, letter.rawBytesKept());
        assertFalse(letter.rawTruncated);
    }

    @Test
    void deadLetterCutsLongRawAtACharacterBoundary() {
        // "ab" + e-acute (C3 A9) + "cd": a cut after 3 bytes would split C3|A9, so it steps back to 2.
        byte[] raw = utf8("ab\u00e9cd");

        DeadLetterRecord letter = DeadLetterRecord.of("documents", 0, 0L, raw, RejectReason.RECORD_TOO_LARGE, "big", 1L, 3);

        assertEquals("ab", letter.raw);
        assertEquals(6, letter.rawBytes);
        assertTrue(letter.rawTruncated);
    }

    @Test
    void deadLetterOfASixteenMegabyteRecordStaysSmall() {
        byte[] raw = new byte[WireLimits.DOCUMENT_MAX_RECORD_BYTES + 1];
        Arrays.fill(raw, (byte) 'x');

        DeadLetterRecord letter = DeadLetterRecord.of("documents", 0, 0L, raw, RejectReason.RECORD_TOO_LARGE, "big", 1L);

        assertEquals(WireLimits.DEAD_LETTER_MAX_RAW_BYTES, letter.raw.length());
        assertTrue(WireJson.toBytes(letter).length < WireLimits.DEAD_LETTER_MAX_RAW_BYTES + 512);
    }

    @Test
    void readingBackRejectsUnknownFields() {
        assertThrows(UnrecognizedPropertyException.class, () -> WireJson.fromBytes(
                utf8("{\"docId\":\"d1\",\"semanticId\":\"1\",\"modelVersion\":\"v\",\"op\":\"upsert\",\"ts\":1,\"extra\":0}"),
                AssignmentRecord.class));
    }

    @Test
    void everyRejectReasonHasADescription() {
        for (RejectReason reason : RejectReason.values()) {
            assertFalse(reason.description().isBlank(), reason::name);
        }
    }

    @Test
    void nonAsciiIsWrittenAsUtf8NotEscaped() {
        byte[] json = WireJson.toBytes(DocumentRecord.upsert("x", null, "\u00e9"));

        assertEquals("{\"id\":\"x\",\"text\":\"\u00e9\",\"op\":\"upsert\"}", new String(json, StandardCharsets.UTF_8));
        assertEquals(36, json.length);   // e-acute as 2 bytes; escaped as \u00e9 it would be 40
    }
}
