package io.dsistream.models.ids;

/**
 * The ID decoder's vocabulary: PAD, BOS and EOS, then one token per (position, code) pair, so that code 7 at
 * position 0 and code 7 at position 2 are different tokens (ASI++ §2.2: position-specific codebooks). IDs have
 * at most {@code maxLength} positions of {@code codesPerPosition} codes each.
 */
public record IdVocabulary(int maxLength, int codesPerPosition) {

    public static final int PAD = 0;
    public static final int BOS = 1;
    public static final int EOS = 2;
    private static final int FIRST_CODE_TOKEN = 3;

    public IdVocabulary {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be at least 1, got " + maxLength);
        }
        if (codesPerPosition < 2) {
            throw new IllegalArgumentException("codesPerPosition must be at least 2, got " + codesPerPosition);
        }
    }

    /** Number of tokens: the three specials plus {@code maxLength × codesPerPosition} code tokens. */
    public int size() {
        return FIRST_CODE_TOKEN + maxLength * codesPerPosition;
    }

    /** The token for {@code code} at {@code position}. */
    public int token(int position, int code) {
        if (position < 0 || position >= maxLength || code < 0 || code >= codesPerPosition) {
            throw new IllegalArgumentException("no token for code " + code + " at position " + position
                    + " in a vocabulary of " + maxLength + " x " + codesPerPosition);
        }
        return FIRST_CODE_TOKEN + position * codesPerPosition + code;
    }

    /** The code a code token stands for. */
    public int code(int token) {
        requireCodeToken(token);
        return (token - FIRST_CODE_TOKEN) % codesPerPosition;
    }

    /** The position a code token belongs to. */
    public int position(int token) {
        requireCodeToken(token);
        return (token - FIRST_CODE_TOKEN) / codesPerPosition;
    }

    /** The tokens of an ID's codes, without BOS or EOS. */
    public int[] tokens(int[] codes) {
        int[] tokens = new int[codes.length];
        for (int p = 0; p < codes.length; p++) {
            tokens[p] = token(p, codes[p]);
        }
        return tokens;
    }

    private void requireCodeToken(int token) {
        if (token < FIRST_CODE_TOKEN || token >= size()) {
            throw new IllegalArgumentException("token " + token + " is not a code token of this vocabulary");
        }
    }
}
