package io.dsistream.schemas;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelUpdateParserTest {

    private static ParseOutcome<ModelUpdateRecord> parse(String json) {
        return new ModelUpdateParser().parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void acceptsANameAndAPositiveIntegerVersion() {
        ParseOutcome<ModelUpdateRecord> outcome = parse("{\"model\":\"scifact\",\"version\":3}");
        assertTrue(outcome.isAccepted());
        assertEquals(new ModelUpdateRecord("scifact", 3), outcome.record());
        assertEquals(outcome.record(), parse(WireJson.toJson(outcome.record())).record(), "round trip");
    }

    @Test
    void aGenerationEventCarriesItsStageAndAPlainSwapStaysAsItWas() {
        ModelUpdateRecord build = parse("{\"model\":\"m\",\"version\":2,\"generation\":1}").record();
        assertEquals(new ModelUpdateRecord("m", 2, 1, GenerationStage.BUILD), build, "build is the default stage");
        ModelUpdateRecord ready = parse("{\"model\":\"m\",\"version\":2,\"generation\":1,\"stage\":\"ready\"}")
                .record();
        assertEquals(GenerationStage.READY, ready.stage);
        assertEquals("{\"model\":\"m\",\"version\":2,\"generation\":1,\"stage\":\"ready\"}", WireJson.toJson(ready));
        assertEquals(ready, parse(WireJson.toJson(ready)).record(), "round trip");
        assertEquals("{\"model\":\"m\",\"version\":2}", WireJson.toJson(new ModelUpdateRecord("m", 2)));
        assertEquals(new ModelUpdateRecord("m", 2), parse("{\"model\":\"m\",\"version\":2,\"generation\":0}").record());
        assertEquals(RejectReason.INVALID_FIELD, parse("{\"model\":\"m\",\"version\":2,\"generation\":-1}").reason());
        assertEquals(RejectReason.INVALID_FIELD, parse("{\"model\":\"m\",\"version\":2,\"stage\":\"ready\"}").reason());
        assertEquals(RejectReason.INVALID_FIELD,
                parse("{\"model\":\"m\",\"version\":2,\"generation\":1,\"stage\":\"now\"}").reason());
    }

    @Test
    void rejectsWhatIsNotAnEvent() {
        assertEquals(RejectReason.MALFORMED_JSON, parse("{\"model\":").reason());
        assertEquals(RejectReason.MISSING_ID, parse("{\"version\":2}").reason());
        assertEquals(RejectReason.INVALID_FIELD, parse("{\"model\":\"m\"}").reason());
        assertEquals(RejectReason.INVALID_FIELD, parse("{\"model\":\"m\",\"version\":0}").reason());
        assertEquals(RejectReason.INVALID_FIELD, parse("{\"model\":\"m\",\"version\":\"2\"}").reason());
        assertEquals(RejectReason.INVALID_FIELD, parse("{\"model\":\"m\",\"version\":1.5}").reason());
        assertEquals(RejectReason.UNKNOWN_FIELD, parse("{\"model\":\"m\",\"version\":2,\"path\":\"/x\"}").reason());
    }
}
