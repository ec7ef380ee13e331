package io.dsistream.models.ids;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A document ID: an immutable sequence of non-negative codes, written {@code "a.b.c.d"}. Code {@code c} at
 * position {@code p} is decoded as the token {@link IdVocabulary#token(int, int) token(p, c)}.
 *
 * <p>IDs may have any length, so that the DSI baselines (naive string docids, hierarchical k-means docids of
 * varying depth) and fixed-length learned IDs (ASI++: L positions × V codes) share one type. The natural order is
 * lexicographic by code, a prefix before its extensions ({@code 3 < 3.0 < 3.1 < 4}).
 *
 * <p>Two compact encodings serve as map keys and state bytes: {@link #toLongKey(IdVocabulary)} (a single
 * {@code long} that keeps the natural order, when {@code (V+1)^L} fits in 63 bits) and {@link #toBytes()}
 * (unsigned varints, any ID).
 */
public final class SemanticId implements Comparable<SemanticId> {

    /** The ID of no codes: the trie's root, the prefix of every ID. */
    public static final SemanticId EMPTY = new SemanticId(new int[0]);

    private final int[] codes;
    private final int hash;

    private SemanticId(int[] codes) {
        this.codes = codes;
        this.hash = Arrays.hashCode(codes);
    }

    /** An ID of the given codes, copied; every code must be non-negative. */
    public static SemanticId of(int... codes) {
        if (codes == null) {
            throw new IllegalArgumentException("codes must not be null");
        }
        for (int p = 0; p < codes.length; p++) {
            if (codes[p] < 0) {
                throw new IllegalArgumentException("code at position " + p + " is negative: " + codes[p]);
            }
        }
        return codes.length == 0 ? EMPTY : new SemanticId(codes.clone());
    }

    /**
     * Reads {@code "a.b.c"}: non-negative decimal codes separated by single dots. The empty string is
     * {@link #EMPTY}. Errors name the offending segment and its position.
     */
    public static SemanticId parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("cannot parse a null semantic ID");
        }
        if (text.isEmpty()) {
            return EMPTY;
        }
        String[] segments = text.split("\\.", -1);
        int[] codes = new int[segments.length];
        for (int p = 0; p < segments.length; p++) {
            String segment = segments[p];
            if (segment.isEmpty()) {
                throw new IllegalArgumentException("semantic ID '" + text + "' has an empty code at position " + p
                        + " (codes are separated by single dots, e.g. '3.14.0.7')");
            }
            for (int i = 0; i < segment.length(); i++) {
                char ch = segment.charAt(i);
                if (ch < '0' || ch > '9') {
                    throw new IllegalArgumentException("semantic ID '" + text + "' has a non-digit '" + ch
                            + "' in the code '" + segment + "' at position " + p);
                }
            }
            try {
                codes[p] = Integer.parseInt(segment);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("semantic ID '" + text + "' has the code '" + segment
                        + "' at position " + p + ", larger than " + Integer.MAX_VALUE, e);
            }
        }
        return new SemanticId(codes);
    }

    /** Number of codes. */
    public int length() {
        return codes.length;
    }

    /** The code at {@code position}. */
    public int code(int position) {
        if (position < 0 || position >= codes.length) {
            throw new IndexOutOfBoundsException("position " + position + " outside semantic ID " + this
                    + " of length " + codes.length);
        }
        return codes[position];
    }

    /** A copy of the codes. */
    public int[] codes() {
        return codes.clone();
    }

    /** The first {@code n} codes; {@code prefix(0)} is {@link #EMPTY}, {@code prefix(length())} is this ID. */
    public SemanticId prefix(int n) {
        if (n < 0 || n > codes.length) {
            throw new IllegalArgumentException("prefix length " + n + " outside 0.." + codes.length + " for " + this);
        }
        if (n == codes.length) {
            return this;
        }
        return n == 0 ? EMPTY : new SemanticId(Arrays.copyOf(codes, n));
    }

    /** This ID with one more code at the end. */
    public SemanticId append(int code) {
        if (code < 0) {
            throw new IllegalArgumentException("code appended to " + this + " is negative: " + code);
        }
        int[] longer = Arrays.copyOf(codes, codes.length + 1);
        longer[codes.length] = code;
        return new SemanticId(longer);
    }

    /** Whether this ID is a prefix of {@code other} (an ID is a prefix of itself). */
    public boolean isPrefixOf(SemanticId other) {
        return codes.length <= other.codes.length
                && Arrays.equals(codes, 0, codes.length, other.codes, 0, codes.length);
    }

    /** The decoder tokens of this ID's codes (no BOS/EOS); see {@link IdVocabulary#tokens(int[])}. */
    public int[] tokens(IdVocabulary vocabulary) {
        return vocabulary.tokens(codes);
    }

    /** The ID a sequence of code tokens (no BOS/EOS/PAD) stands for. */
    public static SemanticId fromTokens(int[] tokens, IdVocabulary vocabulary) {
        int[] codes = new int[tokens.length];
        for (int p = 0; p < tokens.length; p++) {
            if (vocabulary.position(tokens[p]) != p) {
                throw new IllegalArgumentException("token " + tokens[p] + " at position " + p + " belongs to position "
                        + vocabulary.position(tokens[p]));
            }
            codes[p] = vocabulary.code(tokens[p]);
        }
        return new SemanticId(codes);
    }

    /** Whether every ID of {@code vocabulary} has a {@link #toLongKey long key}: {@code (V+1)^L < 2^63}. */
    public static boolean fitsLongKey(IdVocabulary vocabulary) {
        long bound = 1;
        try {
            for (int p = 0; p < vocabulary.maxLength(); p++) {
                bound = Math.multiplyExact(bound, vocabulary.codesPerPosition() + 1L);
            }
        } catch (ArithmeticException overflow) {
            return false;
        }
        return true;
    }

    /**
     * A single {@code long} for this ID: the mixed-radix number of base {@code V+1} whose digit {@code p} is
     * {@code code(p) + 1}, padded with zeros to {@code L} digits. Zero marks "no code", so IDs of different lengths
     * get different keys, and key order equals {@link #compareTo natural order}. Requires
     * {@link #fitsLongKey(IdVocabulary)}, a length ≤ L and codes &lt; V.
     */
    public long toLongKey(IdVocabulary vocabulary) {
        if (!fitsLongKey(vocabulary)) {
            throw new IllegalArgumentException("IDs of " + vocabulary + " do not fit a long key: use toBytes()");
        }
        if (codes.length > vocabulary.maxLength()) {
            throw new IllegalArgumentException("semantic ID " + this + " is longer than maxLength "
                    + vocabulary.maxLength());
        }
        long base = vocabulary.codesPerPosition() + 1L;
        long key = 0;
        for (int p = 0; p < vocabulary.maxLength(); p++) {
            int digit = 0;
            if (p < codes.length) {
                if (codes[p] >= vocabulary.codesPerPosition()) {
                    throw new IllegalArgumentException("code " + codes[p] + " at position " + p + " of " + this
                            + " is not below codesPerPosition " + vocabulary.codesPerPosition());
                }
                digit = codes[p] + 1;
            }
            key = key * base + digit;
        }
        return key;
    }

    /** The ID of a {@link #toLongKey long key}. */
    public static SemanticId fromLongKey(long key, IdVocabulary vocabulary) {
        if (key < 0) {
            throw new IllegalArgumentException("long key must be non-negative, got " + key);
        }
        long base = vocabulary.codesPerPosition() + 1L;
        int[] digits = new int[vocabulary.maxLength()];
        long rest = key;
        for (int p = vocabulary.maxLength() - 1; p >= 0; p--) {
            digits[p] = (int) (rest % base);
            rest /= base;
        }
        if (rest != 0) {
            throw new IllegalArgumentException("long key " + key + " is too large for " + vocabulary);
        }
        int length = 0;
        while (length < digits.length && digits[length] != 0) {
            length++;
        }
        int[] codes = new int[length];
        for (int p = 0; p < digits.length; p++) {
            if (p < length) {
                codes[p] = digits[p] - 1;
            } else if (digits[p] != 0) {
                throw new IllegalArgumentException("long key " + key + " has a code after the end of its ID");
            }
        }
        return length == 0 ? EMPTY : new SemanticId(codes);
    }

    /** Length then codes, each as an unsigned LEB128 varint: one byte per code below 128, any ID. */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 + codes.length * 2);
        writeVarint(out, codes.length);
        for (int code : codes) {
            writeVarint(out, code);
        }
        return out.toByteArray();
    }

    /** The ID of {@link #toBytes()}. */
    public static SemanticId fromBytes(byte[] bytes) {
        int[] cursor = {0};
        int length = readVarint(bytes, cursor);
        int[] codes = new int[length];
        for (int p = 0; p < length; p++) {
            codes[p] = readVarint(bytes, cursor);
        }
        if (cursor[0] != bytes.length) {
            throw new IllegalArgumentException("semantic ID bytes have " + (bytes.length - cursor[0])
                    + " trailing bytes after " + length + " codes");
        }
        return length == 0 ? EMPTY : new SemanticId(codes);
    }

    private static void writeVarint(ByteArrayOutputStream out, int value) {
        int rest = value;
        while ((rest & ~0x7F) != 0) {
            out.write((rest & 0x7F) | 0x80);
            rest >>>= 7;
        }
        out.write(rest);
    }

    private static int readVarint(byte[] bytes, int[] cursor) {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (cursor[0] >= bytes.length) {
                throw new IllegalArgumentException("semantic ID bytes end inside a varint at byte " + cursor[0]);
            }
            byte b = bytes[cursor[0]++];
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (value < 0) {
                    throw new IllegalArgumentException("semantic ID bytes hold a negative varint before byte "
                            + cursor[0]);
                }
                return value;
            }
        }
        throw new IllegalArgumentException("semantic ID bytes hold a varint longer than 5 bytes before byte "
                + cursor[0]);
    }

    /** Lexicographic by code; a proper prefix sorts before its extensions. */
    @Override
    public int compareTo(SemanticId other) {
        return Arrays.compare(codes, other.codes);
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof SemanticId other && hash == other.hash && Arrays.equals(codes, other.codes));
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** {@code "a.b.c.d"}; the empty ID is {@code ""}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(codes.length * 4);
        for (int p = 0; p < codes.length; p++) {
            if (p > 0) {
                text.append('.');
            }
            text.append(codes[p]);
        }
        return text.toString();
    }
}
