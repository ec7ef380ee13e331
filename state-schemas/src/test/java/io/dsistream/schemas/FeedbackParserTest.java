package io.dsistream.schemas;

import static io.dsistream.schemas.DocumentParserTest.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FeedbackParserTest {

    private final FeedbackParser parser = new FeedbackParser();

    static Stream<Arguments> badFeedback() {
        return Stream.of(
                Arguments.of("malformed JSON", utf8("{queryText:\"x\"}"), RejectReason.MALFORMED_JSON, "malformed JSON"),
                Arguments.of("missing docId", utf8("{\"queryText\":\"x\"}"), RejectReason.MISSING_ID, "field 'docId' is missing"),
                Arguments.of("blank docId", utf8("{\"queryText\":\"x\",\"docId\":\" \"}"), RejectReason.MISSING_ID, "'docId'"),
                Arguments.of("empty queryText", utf8("{\"queryText\":\"\",\"docId\":\"d\"}"), RejectReason.EMPTY_TEXT, "field 'queryText' is empty"),
                Arguments.of("100k-character queryText", utf8("{\"queryText\":\"" + "a".repeat(100_000) + "\",\"docId\":\"d\"}"),
                        RejectReason.QUERY_TOO_LONG, "100000 code points"),
                Arguments.of("negative label", utf8("{\"queryText\":\"x\",\"docId\":\"d\",\"label\":-1}"), RejectReason.INVALID_FIELD, "field 'label'"),
                Arguments.of("label as string", utf8("{\"queryText\":\"x\",\"docId\":\"d\",\"label\":\"yes\"}"), RejectReason.INVALID_FIELD, "field 'label'"),
                Arguments.of("label overflowing float", utf8("{\"queryText\":\"x\",\"docId\":\"d\",\"label\":1e999}"), RejectReason.INVALID_FIELD, "field 'label'"),
                Arguments.of("unknown field", utf8("{\"queryText\":\"x\",\"docId\":\"d\",\"query\":\"x\"}"), RejectReason.UNKNOWN_FIELD,
                        "unknown field 'query'; known fields are [queryText, docId, label, ts]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFeedback")
    void rejectsBadFeedbackWithReasonNamingTheProblem(String name, byte[] raw, RejectReason reason, String messagePart) {
        ParseOutcome<FeedbackRecord> outcome = parser.parse(raw);

        assertFalse(outcome.isAccepted(), () -> name + " was accepted: " + outcome);
        assertEquals(reason, outcome.reason(), () -> name + ": " + outcome.message());
        assertTrue(outcome.message().contains(messagePart),
                () -> name + ": message '" + outcome.message() + "' lacks '" + messagePart + "'");
    }

    @Test
    void labelDefaultsToOneAndReadsNumbersAndBooleans() {
        assertEquals(new FeedbackRecord("q", "d", 1f, null), parser.parse(utf8("{\"queryText\":\"q\",\"docId\":\"d\"}")).record());
        assertEquals(2f, parser.parse(utf8("{\"queryText\":\"q\",\"docId\":\"d\",\"label\":2}")).record().label);
        assertEquals(0.25f, parser.parse(utf8("{\"queryText\":\"q\",\"docId\":\"d\",\"label\":0.25}")).record().label);
        assertEquals(0f, parser.parse(utf8("{\"queryText\":\"q\",\"docId\":\"d\",\"label\":false}")).record().label);
        assertEquals(1f, parser.parse(utf8("{\"queryText\":\"q\",\"docId\":\"d\",\"label\":true,\"ts\":3}")).record().label);
    }

    @Test
    void writtenFeedbackParsesBackEqual() {
        FeedbackRecord feedback = new FeedbackRecord("what is dsi", "d7", 0.5f, 99L);

        byte[] json = WireJson.toBytes(feedback);

        assertEquals("{\"queryText\":\"what is dsi\",\"docId\":\"d7\",\"label\":0.5,\"ts\":99}",
                new String(json, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(feedback, parser.parse(json).record());
    }
}
