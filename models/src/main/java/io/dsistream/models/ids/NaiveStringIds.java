package io.dsistream.models.ids;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * DSI's naively structured string docids (Tay et al. 2022, §3.2): a document's own ID string, decoded one
 * character at a time. Each character is a code: its index in the alphabet. The default alphabet is the ten digits
 * {@code "0123456789"} (character {@code '0'} is code 0, …, {@code '9'} is code 9), which covers SciFact's numeric
 * document IDs; any other alphabet of distinct characters may be given.
 *
 * <p>The mapping is one-to-one, so distinct document IDs get distinct IDs, but not prefix-free ({@code "12"} is a
 * prefix of {@code "123"}): decoding needs EOS, which {@link ConstrainedBeamSearch} allows at a complete ID that has
 * children.
 */
public final class NaiveStringIds {

    public static final String DIGITS = "0123456789";

    private final String alphabet;

    /** IDs over the digits 0-9. */
    public NaiveStringIds() {
        this(DIGITS);
    }

    /** IDs over {@code alphabet}: the character at index i is code i. */
    public NaiveStringIds(String alphabet) {
        if (alphabet == null || alphabet.length() < 2) {
            throw new IllegalArgumentException("alphabet needs at least 2 characters, got '" + alphabet + "'");
        }
        Set<Character> seen = new HashSet<>();
        for (int i = 0; i < alphabet.length(); i++) {
            if (!seen.add(alphabet.charAt(i))) {
                throw new IllegalArgumentException("alphabet '" + alphabet + "' repeats the character '"
                        + alphabet.charAt(i) + "' at index " + i);
            }
        }
        this.alphabet = alphabet;
    }

    public String alphabet() {
        return alphabet;
    }

    /** One code per alphabet character. */
    public int codesPerPosition() {
        return alphabet.length();
    }

    /** The vocabulary for document IDs of at most {@code maxLength} characters. */
    public IdVocabulary vocabulary(int maxLength) {
        return new IdVocabulary(maxLength, codesPerPosition());
    }

    /** The ID of one document ID string. */
    public SemanticId assign(String docId) {
        if (docId == null || docId.isEmpty()) {
            throw new IllegalArgumentException("document ID must be a non-empty string, got '" + docId + "'");
        }
        int[] codes = new int[docId.length()];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = alphabet.indexOf(docId.charAt(i));
            if (codes[i] < 0) {
                throw new IllegalArgumentException("document ID '" + docId + "' has the character '" + docId.charAt(i)
                        + "' at index " + i + ", outside the alphabet '" + alphabet + "'");
            }
        }
        return SemanticId.of(codes);
    }

    /** The IDs of distinct document ID strings, in input order. */
    public List<SemanticId> assign(List<String> docIds) {
        Set<String> seen = new HashSet<>();
        List<SemanticId> ids = new ArrayList<>(docIds.size());
        for (int i = 0; i < docIds.size(); i++) {
            if (!seen.add(docIds.get(i))) {
                throw new IllegalArgumentException("document ID '" + docIds.get(i) + "' appears twice (again at index "
                        + i + ")");
            }
            ids.add(assign(docIds.get(i)));
        }
        return ids;
    }

    /** The document ID string an ID spells. */
    public String docId(SemanticId id) {
        StringBuilder text = new StringBuilder(id.length());
        for (int p = 0; p < id.length(); p++) {
            if (id.code(p) >= alphabet.length()) {
                throw new IllegalArgumentException("code " + id.code(p) + " at position " + p + " of " + id
                        + " is outside the alphabet '" + alphabet + "'");
            }
            text.append(alphabet.charAt(id.code(p)));
        }
        return text.toString();
    }
}
