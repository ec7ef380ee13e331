package io.dsistream.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.Serializable;
import java.util.Set;

/**
 * Parses a raw {@code model-updates} record into a {@link ModelUpdateRecord} or a reject reason. Rules: one JSON
 * object of at most {@link WireLimits#QUERY_MAX_RECORD_BYTES} with exactly the fields {@code model} (an id) and
 * {@code version} (an integer &ge; 1). Stateless, thread-safe, serializable.
 */
public final class ModelUpdateParser implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final Set<String> FIELDS = Set.of("model", "version");

    public ParseOutcome<ModelUpdateRecord> parse(byte[] raw) {
        try {
            ObjectNode object = WireObjectReader.readObject(raw, WireLimits.QUERY_MAX_RECORD_BYTES, FIELDS);
            String model = WireObjectReader.requiredId(object, "model");
            JsonNode version = object.get("version");
            if (version == null || !version.isIntegralNumber() || !version.canConvertToInt() || version.intValue() < 1) {
                throw new RecordRejection(RejectReason.INVALID_FIELD, "field 'version' must be an integer >= 1, found "
                        + (version == null ? "nothing" : WireObjectReader.abbreviate(version.toString())));
            }
            return ParseOutcome.accepted(new ModelUpdateRecord(model, version.intValue()));
        } catch (RecordRejection rejection) {
            return rejection.toOutcome();
        }
    }
}
