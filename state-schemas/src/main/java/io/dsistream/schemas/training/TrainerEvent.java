package io.dsistream.schemas.training;

import io.dsistream.schemas.GenerationStage;

/**
 * What the job's trainer hears, one type for its one input: an indexed document (text, stored ID, vector), a
 * deleted document, a feedback pair, a model version now served, a balance alert, or — when an index generation
 * becomes the one queries read — a document's ID in that generation and, per upsert/delete subtask, the end of
 * those. A Flink POJO; the factories fill the fields each kind uses.
 */
public class TrainerEvent {

    /** The kinds of event. */
    public enum Kind {
        DOCUMENT, DELETE, FEEDBACK, MODEL_UPDATE, BALANCE_ALERT,
        /** A document's ID in generation {@link #generation}, which queries now read. */
        REASSIGNED,
        /** Upsert/delete subtask {@link #subtask} of {@link #subtasks} has sent every REASSIGNED of its generation. */
        REASSIGNED_ALL
    }

    public Kind kind;
    public String docId;
    /** DOCUMENT: title and text as the encoder read them. */
    public String text;
    /** DOCUMENT: the stored semantic ID's codes; REASSIGNED: the document's codes in {@link #generation}. */
    public int[] codes;
    /** DOCUMENT: the stored document embedding. */
    public float[] vector;
    /** FEEDBACK: the query; {@link #docId} is the judged document. */
    public String queryText;
    /** FEEDBACK: the graded label (0: not relevant). */
    public float label;
    /** MODEL_UPDATE: the version now served. */
    public int version;
    /**
     * MODEL_UPDATE: the index generation the event is about (0: a plain swap) and its stage; REASSIGNED and
     * REASSIGNED_ALL: the generation now read.
     */
    public int generation;
    public GenerationStage stage;
    /** BALANCE_ALERT: why. */
    public String reason;
    /** REASSIGNED_ALL: the upsert/delete subtask done and how many there are. */
    public int subtask;
    public int subtasks;

    public TrainerEvent() {
    }

    public static TrainerEvent document(String docId, String text, int[] codes, float[] vector) {
        TrainerEvent event = of(Kind.DOCUMENT);
        event.docId = docId;
        event.text = text;
        event.codes = codes;
        event.vector = vector;
        return event;
    }

    public static TrainerEvent deleted(String docId) {
        TrainerEvent event = of(Kind.DELETE);
        event.docId = docId;
        return event;
    }

    public static TrainerEvent feedback(String queryText, String docId, float label) {
        TrainerEvent event = of(Kind.FEEDBACK);
        event.queryText = queryText;
        event.docId = docId;
        event.label = label;
        return event;
    }

    public static TrainerEvent modelUpdate(int version) {
        TrainerEvent event = of(Kind.MODEL_UPDATE);
        event.version = version;
        return event;
    }

    /** A model-update event about index generation {@code generation} ({@code stage}), or a plain swap (0, null). */
    public static TrainerEvent modelUpdate(int version, int generation, GenerationStage stage) {
        TrainerEvent event = modelUpdate(version);
        event.generation = generation;
        event.stage = stage;
        return event;
    }

    public static TrainerEvent balanceAlert(String reason) {
        TrainerEvent event = of(Kind.BALANCE_ALERT);
        event.reason = reason;
        return event;
    }

    /** Document {@code docId} has the ID {@code codes} in generation {@code generation}, which queries now read. */
    public static TrainerEvent reassigned(String docId, int[] codes, int generation) {
        TrainerEvent event = of(Kind.REASSIGNED);
        event.docId = docId;
        event.codes = codes;
        event.generation = generation;
        return event;
    }

    /** Subtask {@code subtask} of {@code subtasks} has sent the ID of every document it holds in {@code generation}. */
    public static TrainerEvent reassignedAll(int generation, int subtask, int subtasks) {
        TrainerEvent event = of(Kind.REASSIGNED_ALL);
        event.generation = generation;
        event.subtask = subtask;
        event.subtasks = subtasks;
        return event;
    }

    private static TrainerEvent of(Kind kind) {
        TrainerEvent event = new TrainerEvent();
        event.kind = kind;
        return event;
    }

    @Override
    public String toString() {
        return "TrainerEvent{" + kind + (docId == null ? "" : " " + docId) + (kind == Kind.MODEL_UPDATE ? " v" + version
                : "") + (kind == Kind.REASSIGNED || kind == Kind.REASSIGNED_ALL ? " g" + generation : "") + "}";
    }
}
