package io.dsistream.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.Serializable;
import java.util.Set;

/**
 * Parses a raw {@code model-updates} record into a {@link ModelUpdateRecord} or a reject reason. Rules: one JSON
 * object of at most {@link WireLimits#QUERY_MAX_RECORD_BYTES} with the fields {@code model} (an id),
 * {@code version} (an integer &ge; 1) and, optionally, {@code generation} (an integer &ge; 0; 0 is a plain swap)
 * and {@code stage} ({@code build}, the default when a generation is given, {@code ready} or {@code drop}; only with
 * a generation &ge; 1). Stateless, thread-safe, serializable.
 */
public final class ModelUpdateParser implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final Set<String> FIELDS = Set.of("model", "version", "generation", "stage");

    public ParseOutcome<ModelUpdateRecord> parse(byte[] raw) {
        try {
            ObjectNode object = WireObjectReader.readObject(raw, WireLimits.QUERY_MAX_RECORD_BYTES, FIELDS);
            String model = WireObjectReader.requiredId(object, "model");
            JsonNode version = object.get("version");
            if (version == null || !version.isIntegralNumber() || !version.canConvertToInt() || version.intValue() < 1) {
                throw new RecordRejection(RejectReason.INVALID_FIELD, "field 'version' must be an integer >= 1, found "
                        + (version == null ? "nothing" : WireObjectReader.abbreviate(version.toString())));
            }
            JsonNode generation = object.get("generation");
            int g = 0;
            if (generation != null) {
                if (!generation.isIntegralNumber() || !generation.canConvertToInt() || generation.intValue() < 0) {
                    throw new RecordRejection(RejectReason.INVALID_FIELD, "field 'generation' must be an integer "
                            + ">= 0, found " + WireObjectReader.abbreviate(generation.toString()));
                }
                g = generation.intValue();
            }
            String stageName = WireObjectReader.optionalString(object, "stage");
            if (g == 0) {
                if (stageName != null) {
                    throw new RecordRejection(RejectReason.INVALID_FIELD, "field 'stage' needs a 'generation' >= 1");
                }
                return ParseOutcome.accepted(new ModelUpdateRecord(model, version.intValue()));
            }
            GenerationStage stage = stageName == null ? GenerationStage.BUILD : GenerationStage.fromWireName(stageName)
                    .orElseThrow(() -> new RecordRejection(RejectReason.INVALID_FIELD, "field 'stage' must be build, "
                            + "ready or drop, found '" + WireObjectReader.abbreviate(stageName) + "'"));
            return ParseOutcome.accepted(new ModelUpdateRecord(model, version.intValue(), g, stage));
        } catch (RecordRejection rejection) {
            return rejection.toOutcome();
        }
    }
}
