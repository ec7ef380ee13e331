package io.dsistream.models.bundle;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * What {@code manifest.json} records of a model bundle. Weight files are named relative to the bundle directory.
 *
 * @param name the model's name in the registry (e.g. {@code scifact})
 * @param version N of {@code v<N>}, from 1
 * @param parentVersion the version this one was fine-tuned from, or null for a model trained from scratch
 * @param createdAt ISO-8601 instant of publication
 * @param method the retrieval method: {@code asi}, {@code dsi-semantic}, {@code dsi-naive} or {@code dsi-atomic}
 * @param encoder the frozen base encoder, checked by SHA-256 on load
 * @param idScheme the ID space: positions and codes per position
 * @param components weight files and hyper-parameters per component ({@code quantizer}, {@code decoder},
 *     {@code adapter}, {@code assignments}), each a JSON object with at least a {@code file} entry
 * @param training what the model was trained on: example counts per source, steps, wall time, seeds, settings
 * @param metrics validation metrics at training time (flat keys such as {@code ndcg@10})
 * @param balance the balance report of the assignment at training time (flat keys such as {@code max_leaf})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BundleManifest(
        String name,
        int version,
        Integer parentVersion,
        String createdAt,
        String method,
        EncoderRef encoder,
        IdSchemeRef idScheme,
        Map<String, Map<String, Object>> components,
        Map<String, Object> training,
        Map<String, Double> metrics,
        Map<String, Double> balance) {

    /** The format version this code writes and reads. */
    public static final int FORMAT = 1;

    public BundleManifest {
        requireText(name, "name");
        if (version < 1) {
            throw new IllegalArgumentException("manifest field 'version' must be at least 1, got " + version);
        }
        requireText(method, "method");
        if (encoder == null) {
            throw new IllegalArgumentException("manifest field 'encoder' is missing");
        }
        if (idScheme == null) {
            throw new IllegalArgumentException("manifest field 'idScheme' is missing");
        }
        components = components == null ? Map.of() : Map.copyOf(components);
        training = training == null ? Map.of() : Map.copyOf(training);
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        balance = balance == null ? Map.of() : Map.copyOf(balance);
    }

    /** This manifest as version {@code nextVersion} with this one as its parent, with new contents to fill in. */
    public BundleManifest childVersion(int nextVersion, String createdAt) {
        return new BundleManifest(name, nextVersion, version, createdAt, method, encoder, idScheme, components,
                training, metrics, balance);
    }

    /** The weight file a component names, or null when the bundle has no such component. */
    public String componentFile(String component) {
        Map<String, Object> entry = components.get(component);
        return entry == null ? null : (String) entry.get("file");
    }

    /**
     * The base encoder.
     *
     * @param name the encoder's command-line name ({@code minilm}, {@code bge-small})
     * @param sha256 SHA-256 of its ONNX weights file
     * @param maxLength tokens per text the model was trained with
     */
    public record EncoderRef(String name, String sha256, int maxLength) {
        public EncoderRef {
            requireText(name, "encoder.name");
            requireText(sha256, "encoder.sha256");
        }
    }

    /**
     * The ID space.
     *
     * @param positions L, codes per ID (the longest ID for variable-length schemes)
     * @param codesPerPosition V
     * @param prefixFree whether no ID is a prefix of another (false for naive string IDs, which need EOS)
     */
    public record IdSchemeRef(int positions, int codesPerPosition, boolean prefixFree) {
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("manifest field '" + field + "' is missing or empty");
        }
    }
}
