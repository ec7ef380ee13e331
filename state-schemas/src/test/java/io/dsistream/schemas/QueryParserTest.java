package io.dsistream.schemas;

import static io.dsistream.schemas.DocumentParserTest.concat;
import static io.dsistream.schemas.DocumentParserTest.bytes;
import static io.dsistream.schemas.DocumentParserTest.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class QueryParserTest {

    private final QueryParser parser = new QueryParser();

    static Stream<Arguments> badQueries() {
        return Stream.of(
                Arguments.of("malformed JSON", utf8("{\"id\":\"q\",\"text\":\"x\""), RejectReason.MALFORMED_JSON, "malformed JSON"),
                Arguments.of("invalid UTF-8", concat(utf8("{\"id\":\"q\",\"text\":\""), bytes(0xFF), utf8("\"}")),
                        RejectReason.INVALID_UTF8, "at byte offset 18"),
                Arguments.of("missing id", utf8("{\"text\":\"x\"}"), RejectReason.MISSING_ID, "field 'id' is missing"),
                Arguments.of("whitespace-only id", utf8("{\"id\":\"  \",\"text\":\"x\"}"), RejectReason.MISSING_ID, "only whitespace"),
                Arguments.of("empty text", utf8("{\"id\":\"q\",\"text\":\"\"}"), RejectReason.EMPTY_TEXT, "field 'text' is empty"),
                Arguments.of("missing text", utf8("{\"id\":\"q\"}"), RejectReason.EMPTY_TEXT, "field 'text' is missing"),
                Arguments.of("100k-character query", utf8("{\"id\":\"q\",\"text\":\"" + "a".repeat(100_000) + "\"}"),
                        RejectReason.QUERY_TOO_LONG, "field 'text' has 100000 code points, more than 8192"),
                Arguments.of("one code point over the cap", utf8("{\"id\":\"q\",\"text\":\"" + "a".repeat(8193) + "\"}"),
                        RejectReason.QUERY_TOO_LONG, "8193 code points"),
                Arguments.of("fractional k", utf8("{\"id\":\"q\",\"text\":\"x\",\"k\":2.5}"), RejectReason.INVALID_FIELD, "field 'k' must be an integer, found 2.5"),
                Arguments.of("k as string", utf8("{\"id\":\"q\",\"text\":\"x\",\"k\":\"10\"}"), RejectReason.INVALID_FIELD, "field 'k'"),
                Arguments.of("unknown field", utf8("{\"id\":\"q\",\"text\":\"x\",\"limit\":5}"), RejectReason.UNKNOWN_FIELD,
                        "unknown field 'limit'; known fields are [id, text, k, ts]"),
                Arguments.of("kClamped is not a wire field", utf8("{\"id\":\"q\",\"text\":\"x\",\"kClamped\":true}"),
                        RejectReason.UNKNOWN_FIELD, "'kClamped'"),
                Arguments.of("record above 1 MiB", utf8("{\"id\":\"q\",\"text\":\"" + "a".repeat(1 << 20) + "\"}"),
                        RejectReason.RECORD_TOO_LARGE, "exceeds the cap of 1048576 bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badQueries")
    void rejectsBadQueryWithReasonNamingTheProblem(String name, byte[] raw, RejectReason reason, String messagePart) {
        ParseOutcome<QueryRecord> outcome = parser.parse(raw);

        assertFalse(outcome.isAccepted(), () -> name + " was accepted: " + outcome);
        assertEquals(reason, outcome.reason(), () -> name + ": " + outcome.message());
        assertTrue(outcome.message().contains(messagePart),
                () -> name + ": message '" + outcome.message() + "' lacks '" + messagePart + "'");
    }

    static Stream<Arguments> kValues() {
        return Stream.of(
                Arguments.of("absent", "", 10, false),
                Arguments.of("null", ",\"k\":null", 10, false),
                Arguments.of("1", ",\"k\":1", 1, false),
                Arguments.of("1000", ",\"k\":1000", 1000, false),
                Arguments.of("0", ",\"k\":0", 1, true),
                Arguments.of("-5", ",\"k\":-5", 1, true),
                Arguments.of("1001", ",\"k\":1001", 1000, true),
                Arguments.of("beyond int", ",\"k\":4294967296", 1000, true),
                Arguments.of("beyond long", ",\"k\":100000000000000000000000000000", 1000, true),
                Arguments.of("below long", ",\"k\":-100000000000000000000000000000", 1, true));
    }

    @ParameterizedTest(name = "k {0}")
    @MethodSource("kValues")
    void clampsKIntoOneToThousandAndFlagsIt(String name, String kField, int expectedK, boolean expectedClamped) {
        QueryRecord query = parser.parse(utf8("{\"id\":\"q\",\"text\":\"x\"" + kField + "}")).record();

        assertEquals(expectedK, query.k);
        assertEquals(expectedClamped, query.kClamped);
    }

    @Test
    void capCountsCodePointsNotChars() {
        // 8192 emoji are 16384 UTF-16 chars but 8192 code points: exactly at the cap.
        String emoji = "\uD83D\uDE00".repeat(8192);

        QueryRecord query = parser.parse(utf8("{\"id\":\"q\",\"text\":\"" + emoji + "\",\"ts\":7}")).record();

        assertEquals(emoji, query.text);
        assertEquals(7L, query.ts);
    }

    @Test
    void writtenQueryParsesBackEqualAndHidesKClamped() {
        QueryRecord query = new QueryRecord("q1", "what is dsi", 25, null, false);

        byte[] json = WireJson.toBytes(query);

        assertEquals("{\"id\":\"q1\",\"text\":\"what is dsi\",\"k\":25}", new String(json, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(query, parser.parse(json).record());
    }
}
