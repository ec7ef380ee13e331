package io.dsistream.schemas.indexing;

/**
 * The index generations the upsert/delete step maintains (its broadcast state, the same on every subtask): the
 * current generation, which new documents and queries use; the one being built (current + 1) while
 * {@link #buildVersion} &gt; 0; and whether the previous one (current − 1) still waits to be dropped. At most two
 * generations exist at once. A Flink POJO.
 */
public class GenerationState {

    /** The generation documents are indexed into and queries read (after its ready event). */
    public int current;
    /** The version that built {@link #current}; 0 for generation 0 (IDs come as AssignId made them). */
    public int currentVersion;
    /** The version building generation {@code current + 1}; 0 when no build runs. */
    public int buildVersion;
    /** True while generation {@code current - 1} waits for its drop event. */
    public boolean dropPending;

    public GenerationState() {
    }

    public boolean building() {
        return buildVersion > 0;
    }

    public GenerationState copy() {
        GenerationState copy = new GenerationState();
        copy.current = current;
        copy.currentVersion = currentVersion;
        copy.buildVersion = buildVersion;
        copy.dropPending = dropPending;
        return copy;
    }

    @Override
    public String toString() {
        return "GenerationState{current " + current + " (v" + currentVersion + ")"
                + (building() ? ", building " + (current + 1) + " with v" + buildVersion : "")
                + (dropPending ? ", " + (current - 1) + " to drop" : "") + "}";
    }
}
