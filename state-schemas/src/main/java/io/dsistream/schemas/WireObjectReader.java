package io.dsistream.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Set;

/**
 * The checks every input parser shares, in the order they run: byte cap, strict UTF-8, one JSON object,
 * no unknown field, then typed field reads. Each failure is a {@link RecordRejection} naming the field.
 */
final class WireObjectReader {

    private WireObjectReader() {
    }

    /** Decodes and parses {@code raw} into a JSON object whose field names all lie in {@code knownFields}. */
    static ObjectNode readObject(byte[] raw, int maxRecordBytes, Set<String> knownFields) throws RecordRejection {
        if (raw == null || raw.length == 0) {
            throw new RecordRejection(RejectReason.MALFORMED_JSON, "empty record (no bytes)");
        }
        if (raw.length > maxRecordBytes) {
            throw new RecordRejection(RejectReason.RECORD_TOO_LARGE,
                    "record of " + raw.length + " bytes exceeds the cap of " + maxRecordBytes + " bytes");
        }
        String json = decodeStrictUtf8(raw);
        JsonNode tree;
        try {
            tree = WireJson.readTree(json);
        } catch (JsonProcessingException e) {
            throw new RecordRejection(RejectReason.MALFORMED_JSON, describe(e));
        }
        if (tree == null || tree.isMissingNode()) {
            throw new RecordRejection(RejectReason.MALFORMED_JSON, "no JSON value in the record");
        }
        if (!tree.isObject()) {
            throw new RecordRejection(RejectReason.MALFORMED_JSON, "expected a JSON object, found " + tree.getNodeType().name().toLowerCase());
        }
        ObjectNode object = (ObjectNode) tree;
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!knownFields.contains(name)) {
                throw new RecordRejection(RejectReason.UNKNOWN_FIELD,
                        "unknown field '" + abbreviate(name) + "'; known fields are " + knownFields);
            }
        }
        return object;
    }

    /**
     * Decodes with a {@link CharsetDecoder} that reports (never replaces) malformed input, so that a
     * corrupted record is dead-lettered instead of indexed with U+FFFD in it.
     */
    static String decodeStrictUtf8(byte[] raw) throws RecordRejection {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(raw);
        // UTF-8 never yields more UTF-16 chars than bytes.
        CharBuffer out = CharBuffer.allocate(raw.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isUnderflow()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new RecordRejection(RejectReason.INVALID_UTF8,
                    "invalid UTF-8: " + result.length() + " malformed byte(s) at byte offset " + in.position());
        }
        out.flip();
        return out.toString();
    }

    /** True when the bytes decode as strict UTF-8. */
    static boolean isValidUtf8(byte[] raw) {
        try {
            decodeStrictUtf8(raw);
            return true;
        } catch (RecordRejection e) {
            return false;
        }
    }

    /** The string field, or null when absent or JSON null. */
    static String optionalString(ObjectNode object, String field) throws RecordRejection {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new RecordRejection(RejectReason.INVALID_FIELD,
                    "field '" + field + "' must be a string, found " + node.getNodeType().name().toLowerCase());
        }
        String value = node.textValue();
        requireEncodable(field, value);
        return value;
    }

    /** A required id: a string that is not blank and at most {@link WireLimits#MAX_ID_CHARS} long, kept verbatim. */
    static String requiredId(ObjectNode object, String field) throws RecordRejection {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            throw new RecordRejection(RejectReason.MISSING_ID, "field '" + field + "' is missing");
        }
        String id = optionalString(object, field);
        if (isBlank(id)) {
            throw new RecordRejection(RejectReason.MISSING_ID, "field '" + field + "' is empty or only whitespace");
        }
        if (id.length() > WireLimits.MAX_ID_CHARS) {
            throw new RecordRejection(RejectReason.ID_TOO_LONG,
                    "field '" + field + "' has " + id.length() + " chars, more than " + WireLimits.MAX_ID_CHARS);
        }
        return id;
    }

    /** A required text: a string with at least one visible character. */
    static String requiredText(ObjectNode object, String field) throws RecordRejection {
        String text = optionalString(object, field);
        if (text == null) {
            throw new RecordRejection(RejectReason.EMPTY_TEXT, "field '" + field + "' is missing");
        }
        if (isBlank(text)) {
            throw new RecordRejection(RejectReason.EMPTY_TEXT, "field '" + field + "' is empty or only whitespace");
        }
        return text;
    }

    /** An optional event time in epoch milliseconds: a non-negative JSON integer, or null when absent. */
    static Long optionalTimestamp(ObjectNode object, String field) throws RecordRejection {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
            throw new RecordRejection(RejectReason.INVALID_FIELD,
                    "field '" + field + "' must be a non-negative integer of epoch milliseconds, found " + abbreviate(node.toString()));
        }
        return node.longValue();
    }

    /**
     * Blank means no character but whitespace, control or format characters (so a text of only
     * no-break spaces or zero-width spaces is as empty as {@code ""}: there is nothing to embed).
     */
    static boolean isBlank(String s) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int type = Character.getType(cp);
            boolean invisible = Character.isWhitespace(cp) || Character.isSpaceChar(cp)
                    || type == Character.CONTROL || type == Character.FORMAT;
            if (!invisible) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }

    /**
     * A JSON {@code \ud800} escape decodes to a lone surrogate, which has no UTF-8 form and would turn into
     * '?' on the way out; such a string is rejected like invalid UTF-8 bytes.
     */
    private static void requireEncodable(String field, String value) throws RecordRejection {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new RecordRejection(RejectReason.INVALID_UTF8, String.format(
                        "field '%s' contains an unpaired surrogate \\u%04x at char %d", field, (int) c, i));
            }
        }
    }

    private static String describe(JsonProcessingException e) {
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return "malformed JSON" + where + ": " + abbreviate(e.getOriginalMessage());
    }

    /** Keeps messages short: a 10 MB field name must not become a 10 MB error string. */
    static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...(" + s.length() + " chars)";
    }
}
