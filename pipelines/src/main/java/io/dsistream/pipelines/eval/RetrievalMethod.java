package io.dsistream.pipelines.eval;

/** The retrieval methods {@code dsi eval} compares; each name is what the command line accepts. */
public enum RetrievalMethod {
    BM25("bm25"),
    DENSE("dense"),
    /** ASI++ learned IDs and decoder, from a bundle written by {@code dsi train --method asi}. */
    ASI("asi"),
    /** DSI with semantic string docids (hierarchical k-means), from a bundle. */
    DSI_SEMANTIC("dsi-semantic"),
    /** DSI with naive string docids, from a bundle. */
    DSI_NAIVE("dsi-naive"),
    /** DSI with atomic docids, from a bundle. */
    DSI_ATOMIC("dsi-atomic");

    private final String cliName;

    RetrievalMethod(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    /** Whether the method decodes IDs with a trained model bundle ({@code --model}). */
    public boolean generative() {
        return this != BM25 && this != DENSE;
    }

    public static RetrievalMethod fromCliName(String name) {
        for (RetrievalMethod method : values()) {
            if (method.cliName.equalsIgnoreCase(name)) {
                return method;
            }
        }
        throw new IllegalArgumentException("unknown method '" + name + "'; known methods: " + knownNames());
    }

    public static String knownNames() {
        StringBuilder names = new StringBuilder();
        for (RetrievalMethod method : values()) {
            names.append(names.length() == 0 ? "" : ", ").append(method.cliName);
        }
        return names.toString();
    }
}
