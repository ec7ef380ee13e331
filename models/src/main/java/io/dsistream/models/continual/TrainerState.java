package io.dsistream.models.continual;

import io.dsistream.models.ids.SemanticId;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the streaming job's trainer remembers between rounds, as plain data it can checkpoint
 * ({@link #toBytes}): the {@link ReplayBuffer}, the documents indexed since the last round (at most
 * {@link TrainerSettings#maxRoundDocuments}, the most recent), the feedback pairs (at most
 * {@link TrainerSettings#maxFeedback}; one query text in {@link TrainerSettings#heldBackEvery} is held back for the
 * publish gate and never trained on), the {@link RoundTriggers} and the version served. Not thread-safe: the
 * operator calls it from its task thread only; a round gets copies ({@link #startRound}).
 *
 * <p>Index generations: the stored IDs held are those of one generation, {@link #idGeneration()}. When a new
 * generation becomes the one queries read, every document's ID in it arrives ({@link #reassign}), then each source
 * says it is done ({@link #reassignmentDone}); from the first of these until the last no round starts (the held IDs
 * are a mix), and once all are in a round is due at once ({@code "generation g's IDs"}) so the decoder learns the
 * new IDs. A round already running then trained on the old IDs: {@link #isStale} says so. Documents a running round
 * took are re-assigned too when they come back ({@link #returnDocuments}, {@link #toBytes}).
 */
public final class TrainerState {

    private static final String MAGIC = "dsi-trainer-state";
    /** 3: adds the ID generation, a pending switch and the round it makes due; format 2 is still read. */
    private static final int FORMAT = 3;
    private static final int FORMAT_WITHOUT_GENERATIONS = 2;

    private final TrainerSettings settings;
    private ReplayBuffer buffer;
    private final LinkedHashMap<String, ReplayDocument> fresh = new LinkedHashMap<>();
    private final Deque<FeedbackPair> training = new ArrayDeque<>();
    private final Deque<FeedbackPair> heldBack = new ArrayDeque<>();
    private final Set<String> deletedSinceRoundStart = new HashSet<>();
    private final RoundTriggers triggers;
    private int servingVersion;
    private long documentsSeen;
    private int idGeneration;
    private int switchingTo;
    private int switchSources;
    private final Set<Integer> switchSourcesDone = new HashSet<>();
    private boolean regenerationRoundDue;
    /** The new documents the running round took, and the IDs a switch gave them since. */
    private final Set<String> takenByRound = new HashSet<>();
    private final Map<String, SemanticId> reassignedSinceRoundStart = new HashMap<>();

    /** What one round trains on, copied out of the state when it starts. */
    public record RoundInput(int servingVersion, List<ReplayDocument> fresh, List<ReplayDocument> replay,
                             List<FeedbackPair> training, List<FeedbackPair> heldBack, String reason,
                             int idGeneration) {
    }

    public TrainerState(TrainerSettings settings, long nowMillis) {
        this.settings = settings;
        this.buffer = new ReplayBuffer(settings.replayReservoir(), settings.replayWindow(), settings.round().seed());
        this.triggers = new RoundTriggers(settings.everyDocuments(), settings.everyMillis(),
                settings.onBalanceAlert(), nowMillis);
    }

    /**
     * A document was indexed (or re-indexed) under its stored ID. During the warm-up
     * ({@link TrainerSettings#warmUpDocuments}) it only joins the replay buffer.
     */
    public void addDocument(ReplayDocument document) {
        buffer.add(document);
        if (documentsSeen++ < settings.warmUpDocuments()) {
            return;
        }
        fresh.remove(document.docId()); // re-inserted at the newest end
        fresh.put(document.docId(), document);
        if (fresh.size() > settings.maxRoundDocuments()) {
            fresh.remove(fresh.keySet().iterator().next());
        }
        triggers.documentsAdded(1);
    }

    public void deleteDocument(String docId) {
        buffer.remove(docId);
        fresh.remove(docId);
        deletedSinceRoundStart.add(docId);
    }

    /** A relevant (query, document) pair; held back for the gate when its query text's hash says so. */
    public void addFeedback(FeedbackPair pair) {
        Deque<FeedbackPair> target = Math.floorMod(pair.queryText().hashCode(), settings.heldBackEvery()) == 0
                ? heldBack : training;
        target.addLast(pair);
        while (target.size() > settings.maxFeedback()) {
            target.removeFirst();
        }
        triggers.feedbackAdded(1);
    }

    public void balanceAlert() {
        triggers.balanceAlert();
    }

    /**
     * A document's ID in generation {@code generation}, which queries now read: the replay buffer's and the new
     * documents' copies take it. The first such call for a generation past {@link #idGeneration()} starts the
     * switch; a generation at or below it is old news and ignored (false).
     *
     * @return whether the call was for the generation switched to
     */
    public boolean reassign(String docId, SemanticId id, int generation) {
        if (!switchTo(generation)) {
            return false;
        }
        buffer.updateStoredId(docId, id);
        ReplayDocument held = fresh.get(docId);
        if (held != null) {
            fresh.put(docId, held.withStoredId(id)); // same key: its place in the order stays
        }
        if (takenByRound.contains(docId)) {
            reassignedSinceRoundStart.put(docId, id);
        }
        return true;
    }

    /**
     * Source {@code source} of {@code sources} has sent every ID it holds in {@code generation}.
     *
     * @return true when this completes the switch: the state holds that generation's IDs and a round is due
     */
    public boolean reassignmentDone(int generation, int source, int sources) {
        if (!switchTo(generation)) {
            return false;
        }
        switchSources = sources;
        switchSourcesDone.add(source);
        if (switchSourcesDone.size() < switchSources) {
            return false;
        }
        idGeneration = generation;
        switchingTo = 0;
        switchSources = 0;
        switchSourcesDone.clear();
        regenerationRoundDue = true;
        return true;
    }

    /** Starts (or continues) the switch to {@code generation}; false if that generation is already held. */
    private boolean switchTo(int generation) {
        if (generation <= idGeneration) {
            return false;
        }
        if (generation != switchingTo) { // a newer generation overtakes an unfinished switch
            switchingTo = generation;
            switchSources = 0;
            switchSourcesDone.clear();
        }
        return true;
    }

    /** The generation whose IDs the documents held carry (0 until a switch completes). */
    public int idGeneration() {
        return idGeneration;
    }

    /** The generation being switched to while its IDs arrive, or 0. */
    public int switchingTo() {
        return switchingTo;
    }

    /** Whether {@code input}'s round trained on IDs that are no longer the ones held (or soon will not be). */
    public boolean isStale(RoundInput input) {
        return input.idGeneration() != idGeneration || switchingTo != 0;
    }

    /**
     * Why a round should start now, or empty ({@link RoundTriggers#due}). None while a switch is incomplete; right
     * after one completes, one on the new IDs.
     */
    public Optional<String> due(long nowMillis, boolean roundRunning) {
        if (servingVersion <= 0 || roundRunning || switchingTo != 0) {
            return Optional.empty();
        }
        if (regenerationRoundDue) {
            return Optional.of("generation " + idGeneration + "'s IDs");
        }
        return triggers.due(nowMillis, false);
    }

    /** Takes the new documents and copies the rest for a round that starts now. */
    public RoundInput startRound(long nowMillis, String reason) {
        RoundInput input = new RoundInput(servingVersion, new ArrayList<>(fresh.values()), buffer.sample(),
                new ArrayList<>(training), new ArrayList<>(heldBack), reason, idGeneration);
        takenByRound.clear();
        takenByRound.addAll(fresh.keySet());
        reassignedSinceRoundStart.clear();
        fresh.clear();
        deletedSinceRoundStart.clear();
        regenerationRoundDue = false;
        triggers.roundStarted(nowMillis);
        return input;
    }

    /**
     * A round that did not train (it failed or was cancelled) gives its new documents back for the next round,
     * unless they were re-sent or deleted since.
     */
    public void returnDocuments(RoundInput input) {
        List<ReplayDocument> back = stillNew(input);
        Map<String, ReplayDocument> newer = new LinkedHashMap<>(fresh);
        fresh.clear(); // the returned documents are older than those indexed during the round
        back.forEach(d -> fresh.put(d.docId(), d));
        fresh.putAll(newer);
        while (fresh.size() > settings.maxRoundDocuments()) {
            fresh.remove(fresh.keySet().iterator().next());
        }
        triggers.documentsAdded(input.fresh().size());
    }

    /**
     * A round's new documents that were neither re-sent nor deleted since it started, with the IDs a switch gave
     * them since.
     */
    private List<ReplayDocument> stillNew(RoundInput input) {
        return input.fresh().stream().filter(d -> !fresh.containsKey(d.docId())
                && !deletedSinceRoundStart.contains(d.docId()))
                .map(d -> {
                    SemanticId id = reassignedSinceRoundStart.get(d.docId());
                    return id == null ? d : d.withStoredId(id);
                }).toList();
    }

    public int servingVersion() {
        return servingVersion;
    }

    public void setServingVersion(int version) {
        servingVersion = version;
    }

    /** Distinct documents in the replay buffer (reservoir and window). */
    public int replayDocuments() {
        return buffer.sample().size();
    }

    public int freshDocuments() {
        return fresh.size();
    }

    public int trainingFeedback() {
        return training.size();
    }

    public int heldBackFeedback() {
        return heldBack.size();
    }

    /**
     * The checkpoint form. A round in progress ({@code running}, or null) has taken its new documents out of the
     * state: they are written back as new, with a trigger, so a restore starts that round again.
     */
    public byte[] toBytes(RoundInput running) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(MAGIC);
            out.writeInt(FORMAT);
            out.writeInt(servingVersion);
            out.writeLong(documentsSeen);
            long[] counters = triggers.snapshot();
            if (running != null) {
                counters[0] += Math.max(running.fresh().size(), settings.everyDocuments());
            }
            for (long counter : counters) {
                out.writeLong(counter);
            }
            byte[] replay = buffer.snapshot().toBytes();
            out.writeInt(replay.length);
            out.write(replay);
            List<ReplayBufferSnapshot.Entry> pending = new ArrayList<>();
            if (running != null) {
                stillNew(running).forEach(d -> pending.add(ReplayBufferSnapshot.Entry.of(d)));
            }
            fresh.values().forEach(d -> pending.add(ReplayBufferSnapshot.Entry.of(d)));
            ReplayBufferSnapshot.writeEntries(out, pending);
            writePairs(out, training);
            writePairs(out, heldBack);
            out.writeInt(idGeneration);
            out.writeInt(switchingTo);
            out.writeInt(switchSources);
            out.writeInt(switchSourcesDone.size());
            for (int source : switchSourcesDone) {
                out.writeInt(source);
            }
            out.writeBoolean(regenerationRoundDue);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Restores what {@link #toBytes} wrote, in this format or format 2 (no generations: generation 0, no switch).
     *
     * @throws IllegalArgumentException when the bytes are not a trainer state of this format
     */
    public static TrainerState fromBytes(TrainerSettings settings, byte[] bytes, long nowMillis) {
        TrainerState state = new TrainerState(settings, nowMillis);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            String magic = in.readUTF();
            if (!MAGIC.equals(magic)) {
                throw new IllegalArgumentException("not a trainer state: magic '" + magic + "'");
            }
            int format = in.readInt();
            if (format != FORMAT && format != FORMAT_WITHOUT_GENERATIONS) {
                throw new IllegalArgumentException("trainer state format " + format + "; this build reads "
                        + FORMAT_WITHOUT_GENERATIONS + " and " + FORMAT);
            }
            state.servingVersion = in.readInt();
            state.documentsSeen = in.readLong();
            long[] counters = new long[4];
            for (int i = 0; i < counters.length; i++) {
                counters[i] = in.readLong();
            }
            state.triggers.restore(counters);
            byte[] replay = new byte[in.readInt()];
            in.readFully(replay);
            state.buffer = ReplayBuffer.restore(ReplayBufferSnapshot.fromBytes(replay));
            for (ReplayBufferSnapshot.Entry entry : ReplayBufferSnapshot.readEntries(in)) {
                ReplayDocument document = entry.toDocument();
                state.fresh.put(document.docId(), document);
            }
            state.training.addAll(readPairs(in));
            state.heldBack.addAll(readPairs(in));
            if (format >= FORMAT) {
                state.idGeneration = in.readInt();
                state.switchingTo = in.readInt();
                state.switchSources = in.readInt();
                int done = in.readInt();
                for (int i = 0; i < done; i++) {
                    state.switchSourcesDone.add(in.readInt());
                }
                state.regenerationRoundDue = in.readBoolean();
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("trainer state is truncated or corrupt: " + e, e);
        }
        return state;
    }

    private static void writePairs(DataOutputStream out, Deque<FeedbackPair> pairs) throws IOException {
        out.writeInt(pairs.size());
        for (FeedbackPair pair : pairs) {
            byte[] text = pair.queryText().getBytes(StandardCharsets.UTF_8);
            out.writeInt(text.length);
            out.write(text);
            out.writeUTF(pair.docId());
        }
    }

    private static List<FeedbackPair> readPairs(DataInputStream in) throws IOException {
        int count = in.readInt();
        List<FeedbackPair> pairs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] text = new byte[in.readInt()];
            in.readFully(text);
            pairs.add(new FeedbackPair(new String(text, StandardCharsets.UTF_8), in.readUTF()));
        }
        return pairs;
    }
}
