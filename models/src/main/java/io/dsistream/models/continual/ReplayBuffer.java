package io.dsistream.models.continual;

import io.dsistream.models.ids.SemanticId;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The documents a continual round replays (DSI++: replay of earlier indexing examples keeps the decoder from
 * forgetting them): a uniform reservoir sample over every document ever added (Vitter's algorithm R) plus a window
 * of the most recently added ones. Seeded and deterministic: the same additions in the same order give the same
 * sample, also across {@link #snapshot()} and {@link #restore}. The random generator is SplitMix64, whose whole
 * state is one {@code long}, so the snapshot holds it exactly.
 *
 * <p>An upsert of a document already held replaces it in place (the reservoir's draw is not repeated: the sample
 * stays uniform over distinct documents) and moves it to the window's newest end; {@link #remove} drops a deleted
 * document from both parts. Not thread-safe.
 */
public final class ReplayBuffer {

    private final int reservoirCapacity;
    private final int windowCapacity;
    private final long seed;
    private long randomState;
    private long seen;
    private final List<ReplayDocument> reservoir;
    private final Map<String, Integer> reservoirIndex = new HashMap<>();
    private final Deque<ReplayDocument> window = new ArrayDeque<>();

    /**
     * @param reservoirCapacity documents in the uniform sample over everything seen (0: none)
     * @param windowCapacity    most recent documents kept besides (0: none)
     * @param seed              seeds the reservoir's draws
     */
    public ReplayBuffer(int reservoirCapacity, int windowCapacity, long seed) {
        this(reservoirCapacity, windowCapacity, seed, seed, 0, List.of(), List.of());
    }

    private ReplayBuffer(int reservoirCapacity, int windowCapacity, long seed, long randomState, long seen,
                         List<ReplayDocument> reservoir, List<ReplayDocument> window) {
        if (reservoirCapacity < 0 || windowCapacity < 0) {
            throw new IllegalArgumentException("replay buffer capacities must be at least 0, got reservoir "
                    + reservoirCapacity + " and window " + windowCapacity);
        }
        if (reservoir.size() > reservoirCapacity || window.size() > windowCapacity) {
            throw new IllegalArgumentException("replay buffer holds " + reservoir.size() + " reservoir and "
                    + window.size() + " window documents, over its capacities " + reservoirCapacity + " and "
                    + windowCapacity);
        }
        this.reservoirCapacity = reservoirCapacity;
        this.windowCapacity = windowCapacity;
        this.seed = seed;
        this.randomState = randomState;
        this.seen = seen;
        this.reservoir = new ArrayList<>(reservoir);
        for (int i = 0; i < this.reservoir.size(); i++) {
            reservoirIndex.put(this.reservoir.get(i).docId(), i);
        }
        this.window.addAll(window);
    }

    /** Adds a newly indexed (or re-indexed) document. */
    public void add(ReplayDocument document) {
        Integer held = reservoirIndex.get(document.docId());
        if (held != null) {
            reservoir.set(held, document);
        } else {
            seen++;
            if (reservoir.size() < reservoirCapacity) {
                reservoirIndex.put(document.docId(), reservoir.size());
                reservoir.add(document);
            } else if (reservoirCapacity > 0) {
                // algorithm R: the n-th distinct document replaces a uniform slot with probability capacity / n
                long slot = nextBelow(seen);
                if (slot < reservoirCapacity) {
                    reservoirIndex.remove(reservoir.get((int) slot).docId());
                    reservoir.set((int) slot, document);
                    reservoirIndex.put(document.docId(), (int) slot);
                }
            }
        }
        if (windowCapacity > 0) {
            removeFromWindow(document.docId());
            window.addLast(document);
            if (window.size() > windowCapacity) {
                window.removeFirst();
            }
        }
    }

    /** Drops a deleted document; its slot in the reservoir stays empty until the next addition fills it. */
    public void remove(String docId) {
        Integer held = reservoirIndex.remove(docId);
        if (held != null) {
            int last = reservoir.size() - 1;
            ReplayDocument moved = reservoir.remove(last);
            if (held != last) {
                reservoir.set(held, moved);
                reservoirIndex.put(moved.docId(), held);
            }
        }
        removeFromWindow(docId);
    }

    /**
     * Updates the stored ID of a held document in place (a new index generation re-assigned it): neither the
     * reservoir's draw nor the window's order changes. False if the document is not held.
     */
    public boolean updateStoredId(String docId, SemanticId id) {
        boolean found = false;
        Integer held = reservoirIndex.get(docId);
        if (held != null) {
            reservoir.set(held, reservoir.get(held).withStoredId(id));
            found = true;
        }
        List<ReplayDocument> updated = new ArrayList<>(window.size());
        for (ReplayDocument document : window) {
            if (document.docId().equals(docId)) {
                updated.add(document.withStoredId(id));
                found = true;
            } else {
                updated.add(document);
            }
        }
        window.clear();
        window.addAll(updated);
        return found;
    }

    private void removeFromWindow(String docId) {
        for (Iterator<ReplayDocument> it = window.iterator(); it.hasNext(); ) {
            if (it.next().docId().equals(docId)) {
                it.remove();
                return;
            }
        }
    }

    /**
     * The replay sample: the reservoir's documents in slot order, then the window's from oldest to newest, each
     * document once (the newest version when both parts hold it).
     */
    public List<ReplayDocument> sample() {
        Map<String, ReplayDocument> out = new LinkedHashMap<>();
        for (ReplayDocument document : reservoir) {
            out.put(document.docId(), document);
        }
        for (ReplayDocument document : window) {
            out.put(document.docId(), document);
        }
        return List.copyOf(out.values());
    }

    /** The reservoir's documents in slot order. */
    public List<ReplayDocument> reservoir() {
        return Collections.unmodifiableList(reservoir);
    }

    /** The window's documents, oldest first. */
    public List<ReplayDocument> window() {
        return List.copyOf(window);
    }

    /** Distinct documents ever added (re-additions of a held document not counted). */
    public long seen() {
        return seen;
    }

    public int reservoirCapacity() {
        return reservoirCapacity;
    }

    public int windowCapacity() {
        return windowCapacity;
    }

    /** The whole state as plain data. */
    public ReplayBufferSnapshot snapshot() {
        List<ReplayBufferSnapshot.Entry> reservoirEntries = new ArrayList<>(reservoir.size());
        for (ReplayDocument document : reservoir) {
            reservoirEntries.add(ReplayBufferSnapshot.Entry.of(document));
        }
        List<ReplayBufferSnapshot.Entry> windowEntries = new ArrayList<>(window.size());
        for (ReplayDocument document : window) {
            windowEntries.add(ReplayBufferSnapshot.Entry.of(document));
        }
        return new ReplayBufferSnapshot(reservoirCapacity, windowCapacity, seed, randomState, seen, reservoirEntries,
                windowEntries);
    }

    /** The buffer a snapshot was taken of; it continues exactly as the original would have. */
    public static ReplayBuffer restore(ReplayBufferSnapshot snapshot) {
        List<ReplayDocument> reservoir = new ArrayList<>();
        for (ReplayBufferSnapshot.Entry entry : snapshot.reservoir()) {
            reservoir.add(entry.toDocument());
        }
        List<ReplayDocument> window = new ArrayList<>();
        for (ReplayBufferSnapshot.Entry entry : snapshot.window()) {
            window.add(entry.toDocument());
        }
        return new ReplayBuffer(snapshot.reservoirCapacity(), snapshot.windowCapacity(), snapshot.seed(),
                snapshot.randomState(), snapshot.seen(), reservoir, window);
    }

    /** A uniform draw from {@code [0, bound)} (rejection sampling over SplitMix64, so no modulo bias). */
    private long nextBelow(long bound) {
        long limit = Long.MAX_VALUE - Long.MAX_VALUE % bound;
        while (true) {
            long value = nextLong() >>> 1;
            if (value < limit) {
                return value % bound;
            }
        }
    }

    private long nextLong() {
        long z = (randomState += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
