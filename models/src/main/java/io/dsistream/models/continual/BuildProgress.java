package io.dsistream.models.continual;

import java.util.Arrays;

/**
 * Whether an index generation's build is complete (issue 7): every upsert/delete subtask has reported how many
 * documents it re-assigned, and the trie has applied that many re-assignments. Reports and acknowledgements travel
 * on different paths, so either may come first. Public fields and a no-argument constructor: the coordinator keeps
 * it as Flink POJO state.
 */
public class BuildProgress {

    public int generation;
    /** The version building the generation (from the first report). */
    public int version;
    /** {@code reported[s]}: subtask s has reported; sized by the first report. */
    public boolean[] reported;
    /** Re-assignments reported so far, over all subtasks. */
    public long expected;
    /** Re-assignments the trie has applied. */
    public long applied;

    public BuildProgress() {
    }

    public BuildProgress(int generation) {
        this.generation = generation;
    }

    /** Subtask {@code subtask} of {@code subtasks} re-assigned {@code count} documents; a repeated report is ignored. */
    public void reported(int subtask, int subtasks, long count, int buildVersion) {
        if (reported == null) {
            reported = new boolean[subtasks];
        } else if (reported.length != subtasks) {
            throw new IllegalArgumentException("generation " + generation + ": a report from " + subtasks
                    + " subtasks after reports from " + reported.length);
        }
        if (reported[subtask]) {
            return;
        }
        reported[subtask] = true;
        expected += count;
        version = buildVersion;
    }

    /** The trie applied {@code count} more re-assignments. */
    public void applied(long count) {
        applied += count;
    }

    public int subtasksReported() {
        if (reported == null) {
            return 0;
        }
        int n = 0;
        for (boolean r : reported) {
            n += r ? 1 : 0;
        }
        return n;
    }

    /** Every subtask reported and every re-assignment reported was applied. */
    public boolean complete() {
        return reported != null && subtasksReported() == reported.length && applied >= expected;
    }

    @Override
    public String toString() {
        return "BuildProgress{generation " + generation + ", v" + version + ", reported " + subtasksReported() + "/"
                + (reported == null ? "?" : reported.length) + ", applied " + applied + "/" + expected + "}";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BuildProgress that && generation == that.generation && version == that.version
                && expected == that.expected && applied == that.applied && Arrays.equals(reported, that.reported);
    }

    @Override
    public int hashCode() {
        return 31 * generation + Long.hashCode(expected) + 7 * Long.hashCode(applied);
    }
}
