package io.dsistream.models.continual;

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
 */
public final class TrainerState {

    private static final String MAGIC = "dsi-trainer-state";
    private static final int FORMAT = 2;

    private final TrainerSettings settings;
    private ReplayBuffer buffer;
    private final LinkedHashMap<String, ReplayDocument> fresh = new LinkedHashMap<>();
    private final Deque<FeedbackPair> training = new ArrayDeque<>();
    private final Deque<FeedbackPair> heldBack = new ArrayDeque<>();
    private final Set<String> deletedSinceRoundStart = new HashSet<>();
    private final RoundTriggers triggers;
    private int servingVersion;
    private long documentsSeen;

    /** What one round trains on, copied out of the state when it starts. */
    public record RoundInput(int servingVersion, List<ReplayDocument> fresh, List<ReplayDocument> replay,
                             List<FeedbackPair> training, List<FeedbackPair> heldBack, String reason) {
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

    /** Why a round should start now, or empty ({@link RoundTriggers#due}). */
    public Optional<String> due(long nowMillis, boolean roundRunning) {
        return servingVersion > 0 ? triggers.due(nowMillis, roundRunning) : Optional.empty();
    }

    /** Takes the new documents and copies the rest for a round that starts now. */
    public RoundInput startRound(long nowMillis, String reason) {
        RoundInput input = new RoundInput(servingVersion, new ArrayList<>(fresh.values()), buffer.sample(),
                new ArrayList<>(training), new ArrayList<>(heldBack), reason);
        fresh.clear();
        deletedSinceRoundStart.clear();
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

    /** A round's new documents that were neither re-sent nor deleted since it started. */
    private List<ReplayDocument> stillNew(RoundInput input) {
        return input.fresh().stream().filter(d -> !fresh.containsKey(d.docId())
                && !deletedSinceRoundStart.contains(d.docId())).toList();
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
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Restores what {@link #toBytes} wrote.
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
            if (format != FORMAT) {
                throw new IllegalArgumentException("trainer state format " + format + "; this build reads " + FORMAT);
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
