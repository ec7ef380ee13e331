package io.dsistream.pipelines.eval;

/** The retrieval methods {@code dsi eval} compares; each name is what the command line accepts. */
public enum RetrievalMethod {
    BM25("bm25"),
    DENSE("dense");

    private final String cliName;

    RetrievalMethod(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
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
