package io.dsistream.schemas.indexing;

/**
 * Progress of an index generation's build, for the generation coordinator: either one upsert/delete subtask's
 * report that it has re-assigned {@link #count} documents into {@link #generation} (of {@link #subtasks}), or the
 * trie's acknowledgement that it applied {@link #count} of those re-assignments. A Flink POJO.
 */
public class GenerationProgress {

    /** The kinds of progress. */
    public enum Kind { REASSIGNED, APPLIED }

    public Kind kind;
    public int generation;
    /** The version building the generation. */
    public int version;
    /** REASSIGNED: the reporting subtask and how many there are. */
    public int subtask;
    public int subtasks;
    public long count;

    public GenerationProgress() {
    }

    public static GenerationProgress reassigned(int generation, int version, int subtask, int subtasks, long count) {
        GenerationProgress progress = new GenerationProgress();
        progress.kind = Kind.REASSIGNED;
        progress.generation = generation;
        progress.version = version;
        progress.subtask = subtask;
        progress.subtasks = subtasks;
        progress.count = count;
        return progress;
    }

    public static GenerationProgress applied(int generation, long count) {
        GenerationProgress progress = new GenerationProgress();
        progress.kind = Kind.APPLIED;
        progress.generation = generation;
        progress.count = count;
        return progress;
    }

    @Override
    public String toString() {
        return "GenerationProgress{" + kind + " g" + generation + " " + count
                + (kind == Kind.REASSIGNED ? " by " + subtask + "/" + subtasks : "") + "}";
    }
}
