package io.dsistream.models.ids;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An in-memory trie over document IDs that holds the documents of each complete ID (DSI §3.2, Figure 2: beam
 * search navigates this trie; ASI++: one ID maps to many documents).
 *
 * <p>IDs may have different lengths and need not be prefix-free: a DSI naive string docid {@code 1.2} and
 * {@code 1.2.3} can both hold documents, so a node can be a complete ID and have children at once. A node exists
 * only while some document lies at or below it: {@link #remove} prunes emptied branches, so every node leads to at
 * least one complete ID.
 *
 * <p>A document may be added under several IDs; {@link #size()} counts (document, ID) pairs. Children live in
 * sorted code arrays and a leaf of one document holds just its string, so a million single-document leaves cost
 * about one node and one string reference each. Not thread-safe.
 */
public final class DocIdTrie {

    private final Node root = new Node();
    private int size;
    private int populatedLeaves;

    /**
     * Puts {@code docId} at the complete ID {@code id}.
     *
     * @return false when the document already was at that ID (nothing changes)
     */
    public boolean add(String docId, SemanticId id) {
        requireDocument(docId);
        requireId(id);
        Node node = find(id);
        if (node != null && node.holds(docId)) {
            return false;
        }
        node = root;
        node.documentsBelow++;
        for (int p = 0; p < id.length(); p++) {
            node = node.childOrCreate(id.code(p));
            node.documentsBelow++;
        }
        if (node.documents == null) {
            populatedLeaves++;
        }
        node.addDocument(docId);
        size++;
        return true;
    }

    /**
     * Takes {@code docId} away from {@code id}; branches left without documents are pruned.
     *
     * @return whether the document was at that ID
     */
    public boolean remove(String docId, SemanticId id) {
        requireDocument(docId);
        requireId(id);
        Node node = find(id);
        if (node == null || !node.removeDocument(docId)) {
            return false;
        }
        if (node.documents == null) {
            populatedLeaves--;
        }
        size--;
        root.documentsBelow--;
        Node parent = root;
        for (int p = 0; p < id.length(); p++) {
            Node child = parent.child(id.code(p));
            child.documentsBelow--;
            if (child.documentsBelow == 0) {
                parent.removeChild(id.code(p));
                break;
            }
            parent = child;
        }
        return true;
    }

    /** The documents at exactly {@code id}, in the order they were added; empty when none. */
    public List<String> documents(SemanticId id) {
        Node node = find(id);
        return node == null ? List.of() : node.documentList();
    }

    /** Number of documents at exactly {@code id}. */
    public int leafSize(SemanticId id) {
        Node node = find(id);
        return node == null ? 0 : node.documentCount();
    }

    /** Number of documents at {@code prefix} or below it. */
    public int documentsUnder(SemanticId prefix) {
        Node node = find(prefix);
        return node == null ? 0 : node.documentsBelow;
    }

    /** The codes that extend {@code prefix}, in code order, each with the number of documents below it. */
    public SortedMap<Integer, Integer> children(SemanticId prefix) {
        Node node = find(prefix);
        SortedMap<Integer, Integer> children = new TreeMap<>();
        if (node != null) {
            for (int i = 0; i < node.childCount; i++) {
                children.put(node.childCodes[i], node.children[i].documentsBelow);
            }
        }
        return Collections.unmodifiableSortedMap(children);
    }

    /** Whether {@code prefix} is a complete ID holding at least one document. */
    public boolean isComplete(SemanticId prefix) {
        Node node = find(prefix);
        return node != null && node.isComplete();
    }

    /** Whether some document lies at or below {@code prefix}. */
    public boolean containsPrefix(SemanticId prefix) {
        Node node = find(prefix);
        return node != null && node.documentsBelow > 0;
    }

    /** Number of (document, ID) pairs. */
    public int size() {
        return size;
    }

    /** Number of complete IDs that hold at least one document. */
    public int populatedLeaves() {
        return populatedLeaves;
    }

    /**
     * The longest prefix of {@code id} (possibly {@code id} itself, possibly {@link SemanticId#EMPTY}) under which
     * some document lies. Together with {@link #populatedLeavesUnder} this backs an ID without documents off to
     * its nearest populated neighbours.
     */
    public SemanticId longestPopulatedPrefix(SemanticId id) {
        Node node = root;
        int depth = 0;
        while (depth < id.length()) {
            Node child = node.child(id.code(depth));
            if (child == null) {
                break;
            }
            node = child;
            depth++;
        }
        return id.prefix(depth);
    }

    /** Every complete ID at or below {@code prefix}, in natural order. */
    public List<SemanticId> populatedLeavesUnder(SemanticId prefix) {
        return populatedLeavesUnder(prefix, Integer.MAX_VALUE);
    }

    /** The first {@code limit} complete IDs at or below {@code prefix}, in natural order. */
    public List<SemanticId> populatedLeavesUnder(SemanticId prefix, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be non-negative, got " + limit);
        }
        Node node = find(prefix);
        List<SemanticId> leaves = new ArrayList<>();
        if (node != null) {
            int[] path = Arrays.copyOf(prefix.codes(), prefix.length() + 16);
            collectLeaves(node, path, prefix.length(), limit, leaves);
        }
        return leaves;
    }

    /** Every populated complete ID with its number of documents, in natural order. */
    public Map<SemanticId, Integer> leafSizes() {
        Map<SemanticId, Integer> sizes = new LinkedHashMap<>();
        for (SemanticId leaf : populatedLeavesUnder(SemanticId.EMPTY)) {
            sizes.put(leaf, leafSize(leaf));
        }
        return sizes;
    }

    /** The root node, for walks that keep a cursor per beam instead of looking each prefix up again. */
    Node root() {
        return root;
    }

    private Node find(SemanticId prefix) {
        Node node = root;
        for (int p = 0; p < prefix.length() && node != null; p++) {
            node = node.child(prefix.code(p));
        }
        return node;
    }

    private static void collectLeaves(Node node, int[] path, int depth, int limit, List<SemanticId> leaves) {
        if (leaves.size() >= limit) {
            return;
        }
        if (node.isComplete()) {
            leaves.add(SemanticId.of(Arrays.copyOf(path, depth)));
        }
        for (int i = 0; i < node.childCount && leaves.size() < limit; i++) {
            int[] deeper = depth < path.length ? path : Arrays.copyOf(path, path.length * 2);
            deeper[depth] = node.childCodes[i];
            collectLeaves(node.children[i], deeper, depth + 1, limit, leaves);
        }
    }

    private static void requireDocument(String docId) {
        if (docId == null) {
            throw new IllegalArgumentException("docId must not be null");
        }
    }

    private static void requireId(SemanticId id) {
        if (id == null || id.length() == 0) {
            throw new IllegalArgumentException("a document needs a non-empty semantic ID, got " + id);
        }
    }

    /** One trie node: children in sorted code order and the documents when the node is a complete ID. */
    static final class Node {
        private static final int[] NO_CODES = new int[0];
        private static final Node[] NO_NODES = new Node[0];

        private int[] childCodes = NO_CODES;
        private Node[] children = NO_NODES;
        private int childCount;
        /** Documents at this node and below it. */
        private int documentsBelow;
        /** null, a single String, or a LinkedHashSet of Strings: most leaves hold one document. */
        private Object documents;

        int childCount() {
            return childCount;
        }

        int childCode(int index) {
            return childCodes[index];
        }

        Node childAt(int index) {
            return children[index];
        }

        boolean isComplete() {
            return documents != null;
        }

        Node child(int code) {
            int index = Arrays.binarySearch(childCodes, 0, childCount, code);
            return index >= 0 ? children[index] : null;
        }

        private Node childOrCreate(int code) {
            int index = Arrays.binarySearch(childCodes, 0, childCount, code);
            if (index >= 0) {
                return children[index];
            }
            int insertAt = -index - 1;
            if (childCount == childCodes.length) {
                int capacity = Math.max(2, childCount * 2);
                childCodes = Arrays.copyOf(childCodes, capacity);
                children = Arrays.copyOf(children, capacity);
            }
            System.arraycopy(childCodes, insertAt, childCodes, insertAt + 1, childCount - insertAt);
            System.arraycopy(children, insertAt, children, insertAt + 1, childCount - insertAt);
            Node child = new Node();
            childCodes[insertAt] = code;
            children[insertAt] = child;
            childCount++;
            return child;
        }

        private void removeChild(int code) {
            int index = Arrays.binarySearch(childCodes, 0, childCount, code);
            System.arraycopy(childCodes, index + 1, childCodes, index, childCount - index - 1);
            System.arraycopy(children, index + 1, children, index, childCount - index - 1);
            childCount--;
            children[childCount] = null;
            if (childCount == 0) {
                childCodes = NO_CODES;
                children = NO_NODES;
            }
        }

        private boolean holds(String docId) {
            if (documents instanceof String single) {
                return single.equals(docId);
            }
            return documents != null && setOfDocuments().contains(docId);
        }

        private void addDocument(String docId) {
            if (documents == null) {
                documents = docId;
            } else if (documents instanceof String single) {
                LinkedHashSet<String> set = new LinkedHashSet<>(4);
                set.add(single);
                set.add(docId);
                documents = set;
            } else {
                setOfDocuments().add(docId);
            }
        }

        private boolean removeDocument(String docId) {
            if (documents instanceof String single) {
                if (single.equals(docId)) {
                    documents = null;
                    return true;
                }
                return false;
            }
            if (documents == null || !setOfDocuments().remove(docId)) {
                return false;
            }
            if (setOfDocuments().size() == 1) {
                documents = setOfDocuments().iterator().next();
            }
            return true;
        }

        private int documentCount() {
            if (documents == null) {
                return 0;
            }
            return documents instanceof String ? 1 : setOfDocuments().size();
        }

        private List<String> documentList() {
            if (documents == null) {
                return List.of();
            }
            return documents instanceof String single ? List.of(single) : List.copyOf(setOfDocuments());
        }

        @SuppressWarnings("unchecked")
        private LinkedHashSet<String> setOfDocuments() {
            return (LinkedHashSet<String>) documents;
        }
    }
}
