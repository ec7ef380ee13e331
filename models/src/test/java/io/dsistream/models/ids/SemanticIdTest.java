package io.dsistream.models.ids;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SemanticIdTest {

    @Test
    void printsAndParsesDottedCodes() {
        SemanticId id = SemanticId.of(3, 14, 0, 255);
        assertEquals("3.14.0.255", id.toString());
        assertEquals(id, SemanticId.parse("3.14.0.255"));
        assertEquals(4, id.length());
        assertEquals(14, id.code(1));
        assertArrayEquals(new int[] {3, 14, 0, 255}, id.codes());
        assertSame(SemanticId.EMPTY, SemanticId.parse(""));
        assertEquals("", SemanticId.EMPTY.toString());
    }

    @Test
    void parseErrorsNameTheBadCode() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> SemanticId.parse("1..2"));
        assertTrue(empty.getMessage().contains("empty code at position 1"), empty.getMessage());
        IllegalArgumentException letter = assertThrows(IllegalArgumentException.class, () -> SemanticId.parse("1.x2"));
        assertTrue(letter.getMessage().contains("'x'") && letter.getMessage().contains("position 1"),
                letter.getMessage());
        IllegalArgumentException minus = assertThrows(IllegalArgumentException.class, () -> SemanticId.parse("-1"));
        assertTrue(minus.getMessage().contains("'-'"), minus.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SemanticId.parse("1.2."));
        assertThrows(IllegalArgumentException.class, () -> SemanticId.parse("99999999999"));
        assertThrows(IllegalArgumentException.class, () -> SemanticId.parse(null));
        assertThrows(IllegalArgumentException.class, () -> SemanticId.of(1, -2));
    }

    @Test
    void prefixesAndAppends() {
        SemanticId id = SemanticId.of(1, 2, 3);
        assertEquals(SemanticId.of(1, 2), id.prefix(2));
        assertSame(SemanticId.EMPTY, id.prefix(0));
        assertSame(id, id.prefix(3));
        assertThrows(IllegalArgumentException.class, () -> id.prefix(4));
        assertEquals(id, id.prefix(2).append(3));
        assertTrue(id.prefix(1).isPrefixOf(id));
        assertTrue(id.isPrefixOf(id));
        assertFalse(id.isPrefixOf(id.prefix(2)));
        assertFalse(SemanticId.of(1, 3).isPrefixOf(id));
    }

    @Test
    void equalIdsAreEqualMapKeys() {
        Map<SemanticId, String> map = new HashMap<>();
        map.put(SemanticId.of(4, 2), "a");
        assertEquals("a", map.get(SemanticId.parse("4.2")));
        assertNotEquals(SemanticId.of(4, 2), SemanticId.of(4, 2, 0));
        assertEquals(SemanticId.of(4, 2).hashCode(), SemanticId.parse("4.2").hashCode());
    }

    @Test
    void ordersLexicographicallyWithPrefixesFirst() {
        List<SemanticId> ids = new ArrayList<>(List.of(SemanticId.of(4), SemanticId.of(3, 1), SemanticId.of(3),
                SemanticId.of(3, 0, 9), SemanticId.EMPTY, SemanticId.of(3, 0)));
        ids.sort(null);
        assertEquals("[, 3, 3.0, 3.0.9, 3.1, 4]", ids.toString());
    }

    @Test
    void longKeysRoundTripAndKeepTheOrder() {
        IdVocabulary vocabulary = new IdVocabulary(4, 256);
        assertTrue(SemanticId.fitsLongKey(vocabulary));
        // (V+1)^L digits of base 257: 0.0 -> 1*257^3 + 1*257^2, no padding digits.
        assertEquals(257L * 257 * 257 + 257L * 257, SemanticId.of(0, 0).toLongKey(vocabulary));
        assertEquals(0L, SemanticId.EMPTY.toLongKey(vocabulary));
        Random random = new Random(7);
        List<SemanticId> ids = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            int[] codes = new int[1 + random.nextInt(4)];
            for (int p = 0; p < codes.length; p++) {
                codes[p] = random.nextInt(256);
            }
            SemanticId id = SemanticId.of(codes);
            ids.add(id);
            assertEquals(id, SemanticId.fromLongKey(id.toLongKey(vocabulary), vocabulary));
        }
        for (int i = 1; i < ids.size(); i++) {
            SemanticId a = ids.get(i - 1);
            SemanticId b = ids.get(i);
            assertEquals(Integer.signum(a.compareTo(b)),
                    Long.signum(Long.compare(a.toLongKey(vocabulary), b.toLongKey(vocabulary))), a + " vs " + b);
        }
        assertThrows(IllegalArgumentException.class, () -> SemanticId.of(256).toLongKey(vocabulary));
        assertThrows(IllegalArgumentException.class, () -> SemanticId.of(1, 2, 3, 4, 5).toLongKey(vocabulary));
        assertFalse(SemanticId.fitsLongKey(new IdVocabulary(8, 256)));
        assertTrue(SemanticId.fitsLongKey(new IdVocabulary(18, 10)));
    }

    @Test
    void bytesRoundTripAnyId() {
        SemanticId[] ids = {SemanticId.EMPTY, SemanticId.of(0), SemanticId.of(127, 128, 300, Integer.MAX_VALUE)};
        for (SemanticId id : ids) {
            assertEquals(id, SemanticId.fromBytes(id.toBytes()));
        }
        assertEquals(4, SemanticId.of(1, 2, 3).toBytes().length);
        assertEquals(6, SemanticId.of(127, 128, 300).toBytes().length);
        assertThrows(IllegalArgumentException.class, () -> SemanticId.fromBytes(new byte[] {2, 1}));
        assertThrows(IllegalArgumentException.class, () -> SemanticId.fromBytes(new byte[] {1, 1, 0}));
    }

    @Test
    void tokensRoundTripThroughTheVocabulary() {
        IdVocabulary vocabulary = new IdVocabulary(3, 10);
        SemanticId id = SemanticId.of(7, 0, 9);
        assertArrayEquals(new int[] {3 + 7, 3 + 10, 3 + 29}, id.tokens(vocabulary));
        assertEquals(id, SemanticId.fromTokens(id.tokens(vocabulary), vocabulary));
        assertThrows(IllegalArgumentException.class,
                () -> SemanticId.fromTokens(new int[] {vocabulary.token(1, 0)}, vocabulary));
    }
}
