package io.dsistream.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DocumentParserTest {

    private final DocumentParser parser = new DocumentParser();

    static Stream<Arguments> badDocuments() {
        return Stream.of(
                bad("truncated JSON", utf8("{\"id\":\"a\",\"text\":"), RejectReason.MALFORMED_JSON, "malformed JSON"),
                bad("trailing second object", utf8("{\"id\":\"a\",\"text\":\"x\"} {}"), RejectReason.MALFORMED_JSON, "malformed JSON"),
                bad("duplicate key", utf8("{\"id\":\"a\",\"id\":\"b\",\"text\":\"x\"}"), RejectReason.MALFORMED_JSON, "Duplicate field 'id'"),
                bad("array instead of object", utf8("[1,2]"), RejectReason.MALFORMED_JSON, "expected a JSON object, found array"),
                bad("bare string", utf8("\"hello\""), RejectReason.MALFORMED_JSON, "found string"),
                bad("no bytes", new byte[0], RejectReason.MALFORMED_JSON, "empty record"),
                bad("only whitespace", utf8("  \n "), RejectReason.MALFORMED_JSON, "no JSON value"),
                bad("null record", null, RejectReason.MALFORMED_JSON, "empty record"),
                // "{"id":"a","text":"caf" is 21 bytes, so the bad pair C3 28 starts at byte offset 21.
                bad("invalid UTF-8 continuation", concat(utf8("{\"id\":\"a\",\"text\":\"caf"), bytes(0xC3, 0x28), utf8("\"}")),
                        RejectReason.INVALID_UTF8, "at byte offset 21"),
                bad("lone continuation byte", concat(utf8("{\"id\":\"a\",\"text\":\""), bytes(0x80), utf8("\"}")),
                        RejectReason.INVALID_UTF8, "at byte offset 18"),
                bad("overlong encoding of '/'", concat(utf8("{\"id\":\"a\",\"text\":\""), bytes(0xC0, 0xAF), utf8("\"}")),
                        RejectReason.INVALID_UTF8, "invalid UTF-8"),
                bad("UTF-8-encoded surrogate (CESU)", concat(utf8("{\"id\":\"a\",\"text\":\""), bytes(0xED, 0xA0, 0x80), utf8("\"}")),
                        RejectReason.INVALID_UTF8, "invalid UTF-8"),
                bad("Latin-1 bytes", concat(utf8("{\"id\":\"a\",\"text\":\"caf"), bytes(0xE9), utf8("\"}")),
                        RejectReason.INVALID_UTF8, "at byte offset 21"),
                bad("unpaired surrogate escape", utf8("{\"id\":\"a\",\"text\":\"x\\ud800y\"}"), RejectReason.INVALID_UTF8,
                        "field 'text' contains an unpaired surrogate \\ud800 at char 1"),
                bad("missing id", utf8("{\"text\":\"x\"}"), RejectReason.MISSING_ID, "field 'id' is missing"),
                bad("null id", utf8("{\"id\":null,\"text\":\"x\"}"), RejectReason.MISSING_ID, "field 'id' is missing"),
                bad("empty id", utf8("{\"id\":\"\",\"text\":\"x\"}"), RejectReason.MISSING_ID, "empty or only whitespace"),
                bad("whitespace-only id", utf8("{\"id\":\" \\t\\n \",\"text\":\"x\"}"), RejectReason.MISSING_ID, "empty or only whitespace"),
                bad("no-break and zero-width space id", utf8("{\"id\":\"\u00a0\u200b\u3000\",\"text\":\"x\"}"), RejectReason.MISSING_ID, "only whitespace"),
                bad("numeric id", utf8("{\"id\":42,\"text\":\"x\"}"), RejectReason.INVALID_FIELD, "field 'id' must be a string, found number"),
                bad("id over 512 chars", utf8("{\"id\":\"" + "i".repeat(513) + "\",\"text\":\"x\"}"), RejectReason.ID_TOO_LONG, "513 chars"),
                bad("empty text", utf8("{\"id\":\"a\",\"text\":\"\"}"), RejectReason.EMPTY_TEXT, "field 'text' is empty"),
                bad("whitespace-only text", utf8("{\"id\":\"a\",\"text\":\" \\n\\t\\r \"}"), RejectReason.EMPTY_TEXT, "field 'text' is empty"),
                bad("upsert without text", utf8("{\"id\":\"a\",\"op\":\"upsert\"}"), RejectReason.EMPTY_TEXT, "field 'text' is missing"),
                bad("text is an object", utf8("{\"id\":\"a\",\"text\":{\"en\":\"x\"}}"), RejectReason.INVALID_FIELD, "field 'text' must be a string, found object"),
                bad("title is a number", utf8("{\"id\":\"a\",\"title\":1,\"text\":\"x\"}"), RejectReason.INVALID_FIELD, "field 'title'"),
                bad("unknown field", utf8("{\"id\":\"a\",\"text\":\"x\",\"body\":\"y\"}"), RejectReason.UNKNOWN_FIELD,
                        "unknown field 'body'; known fields are [id, title, text, op, ts]"),
                bad("unknown field differing in case", utf8("{\"ID\":\"a\",\"text\":\"x\"}"), RejectReason.UNKNOWN_FIELD, "unknown field 'ID'"),
                bad("unknown op", utf8("{\"id\":\"a\",\"text\":\"x\",\"op\":\"replace\"}"), RejectReason.UNKNOWN_OP, "found \"replace\""),
                bad("op in upper case", utf8("{\"id\":\"a\",\"text\":\"x\",\"op\":\"UPSERT\"}"), RejectReason.UNKNOWN_OP, "found \"UPSERT\""),
                bad("op is a number", utf8("{\"id\":\"a\",\"text\":\"x\",\"op\":1}"), RejectReason.UNKNOWN_OP, "found 1"),
                bad("negative ts", utf8("{\"id\":\"a\",\"text\":\"x\",\"ts\":-1}"), RejectReason.INVALID_FIELD, "field 'ts'"),
                bad("ts as string", utf8("{\"id\":\"a\",\"text\":\"x\",\"ts\":\"1700000000000\"}"), RejectReason.INVALID_FIELD, "field 'ts'"),
                bad("fractional ts", utf8("{\"id\":\"a\",\"text\":\"x\",\"ts\":1.5}"), RejectReason.INVALID_FIELD, "field 'ts'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badDocuments")
    void rejectsBadDocumentWithReasonNamingTheProblem(String name, byte[] raw, RejectReason reason, String messagePart) {
        ParseOutcome<DocumentRecord> outcome = parser.parse(raw);

        assertFalse(outcome.isAccepted(), () -> name + " was accepted: " + outcome);
        assertEquals(reason, outcome.reason(), () -> name + ": " + outcome.message());
        assertTrue(outcome.message().contains(messagePart),
                () -> name + ": message '" + outcome.message() + "' lacks '" + messagePart + "'");
    }

    @Test
    void acceptsTenMegabyteTextWhole() {
        // A real 10 MB text with multi-byte characters: the parser keeps it whole; truncation is the tokenizer's.
        String unit = "d\u00e9j\u00e0 vu \u2014 ";
        String text = unit.repeat(10_000_000 / unit.getBytes(StandardCharsets.UTF_8).length);
        byte[] raw = utf8("{\"id\":\"big\",\"title\":\"Big\",\"text\":\"" + text + "\"}");
        assertTrue(raw.length > 10_000_000, "the record must really be 10 MB, was " + raw.length);

        ParseOutcome<DocumentRecord> outcome = parser.parse(raw);

        assertTrue(outcome.isAccepted(), outcome::toString);
        assertEquals(text, outcome.record().text);
        assertEquals("big", outcome.record().id);
        assertEquals(DocumentOp.UPSERT, outcome.record().op);
    }

    @Test
    void rejectsRecordAboveTheHardCapWithoutDecodingIt() {
        byte[] raw = new byte[WireLimits.DOCUMENT_MAX_RECORD_BYTES + 1];
        Arrays.fill(raw, (byte) 0xFF);   // not UTF-8 either: the size check must come first

        ParseOutcome<DocumentRecord> outcome = parser.parse(raw);

        assertEquals(RejectReason.RECORD_TOO_LARGE, outcome.reason());
        assertEquals("record of 16777217 bytes exceeds the cap of 16777216 bytes", outcome.message());
    }

    @Test
    void smallerCapIsConfigurable() {
        byte[] raw = utf8("{\"id\":\"a\",\"text\":\"0123456789\"}");
        assertEquals(RejectReason.RECORD_TOO_LARGE, new DocumentParser(raw.length - 1).parse(raw).reason());
        assertTrue(new DocumentParser(raw.length).parse(raw).isAccepted());
    }

    @Test
    void readsAllFieldsOfAnUpsert() {
        DocumentRecord record = parser.parse(utf8(
                "{\"id\":\" d-1 \",\"title\":\"T\",\"text\":\"caf\u00e9 \uD83D\uDE00\",\"op\":\"upsert\",\"ts\":1700000000123}")).record();

        assertEquals(new DocumentRecord(" d-1 ", "T", "caf\u00e9 \uD83D\uDE00", DocumentOp.UPSERT, 1700000000123L), record);
    }

    @Test
    void opDefaultsToUpsertAndOptionalFieldsToNull() {
        DocumentRecord record = parser.parse(utf8("{\"id\":\"a\",\"text\":\"x\",\"title\":null,\"ts\":null,\"op\":null}")).record();

        assertEquals(new DocumentRecord("a", null, "x", DocumentOp.UPSERT, null), record);
    }

    @Test
    void deleteNeedsNoTextAndDropsWhatever() {
        DocumentRecord bare = parser.parse(utf8("{\"id\":\"a\",\"op\":\"delete\"}")).record();
        DocumentRecord withText = parser.parse(utf8("{\"id\":\"a\",\"op\":\"delete\",\"text\":\"\",\"ts\":5}")).record();

        assertEquals(DocumentRecord.delete("a"), bare);
        assertEquals(new DocumentRecord("a", null, null, DocumentOp.DELETE, 5L), withText);
        assertNull(withText.text);
    }

    @Test
    void writtenDocumentParsesBackEqual() {
        DocumentRecord upsert = new DocumentRecord("d1", null, "text \"quoted\" \n\u00e9", DocumentOp.UPSERT, 42L);

        byte[] json = WireJson.toBytes(upsert);

        assertEquals("{\"id\":\"d1\",\"text\":\"text \\\"quoted\\\" \\n\u00e9\",\"op\":\"upsert\",\"ts\":42}",
                new String(json, StandardCharsets.UTF_8));
        assertEquals(upsert, parser.parse(json).record());
        assertEquals(DocumentRecord.delete("d2"), parser.parse(WireJson.toBytes(DocumentRecord.delete("d2"))).record());
    }

    private static Arguments bad(String name, byte[] raw, RejectReason reason, String messagePart) {
        return Arguments.of(name, raw, reason, messagePart);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
