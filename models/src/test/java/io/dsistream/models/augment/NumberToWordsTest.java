package io.dsistream.models.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NumberToWordsTest {

    private final NumberToWords numberToWords = new NumberToWords();

    @ParameterizedTest(name = "[{index}] \"{0}\" -> \"{1}\"")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # plain integers
            0                     | zero
            7                     | seven
            13                    | thirteen
            20                    | twenty
            42                    | forty two
            100                   | one hundred
            105                   | one hundred five
            999                   | nine hundred ninety nine
            1000                  | one thousand
            1001                  | one thousand one
            2100                  | two thousand one hundred
            12345                 | twelve thousand three hundred forty five
            1000000               | one million
            1000000000            | one billion
            9223372036854775807   | nine quintillion two hundred twenty three quadrillion three hundred seventy two trillion thirty six billion eight hundred fifty four million seven hundred seventy five thousand eight hundred seven
            9223372036854775808   | 9223372036854775808
            # thousands separators and signs
            1,000,000             | one million
            1,500                 | one thousand five hundred
            1,00                  | 1,00
            -3                    | minus three
            −12                   | minus twelve
            -1,234                | minus one thousand two hundred thirty four
            # leading zeros are codes
            007                   | zero zero seven
            # decimals
            0.05                  | zero point zero five
            3.14                  | three point one four
            -0.5                  | minus zero point five
            .5                    | point five
            1,000.25              | one thousand point two five
            # ordinals
            1st                   | first
            2nd                   | second
            3rd                   | third
            4th                   | fourth
            11th                  | eleventh
            12th                  | twelfth
            13th                  | thirteenth
            22nd                  | twenty second
            40th                  | fortieth
            103rd                 | one hundred third
            1000000th             | one millionth
            21ST                  | twenty first
            1th                   | 1th
            12nd                  | 12nd
            # years
            1999                  | nineteen ninety nine
            2005                  | two thousand five
            2000                  | two thousand
            1900                  | nineteen hundred
            1905                  | nineteen oh five
            2024                  | twenty twenty four
            1100                  | eleven hundred
            2099                  | twenty ninety nine
            1099                  | one thousand ninety nine
            2100                  | two thousand one hundred
            # percentages
            3.5%                  | three point five percent
            42%                   | forty two percent
            100%                  | one hundred percent
            -2%                   | minus two percent
            1999%                 | one thousand nine hundred ninety nine percent
            """)
    void readsOneNumber(String number, String words) {
        assertEquals(words, numberToWords.apply(number));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            In 1999, 42 of 100 mice died.         | In nineteen ninety nine, forty two of one hundred mice died.
            IL-6 and p53 rose in COVID19 patients | IL-6 and p53 rose in COVID19 patients
            COVID-19 cases rose 3.5% (n=120).     | COVID-19 cases rose three point five percent (n=120).
            doses of 5mg, 10/20 and $5            | doses of 5mg, 10/20 and $5
            version 2.5.4 from the 1990s          | version 2.5.4 from the 1990s
            the 3rd arm (n 120) had 7 deaths      | the third arm (n one hundred twenty) had seven deaths
            "12" and '13'                         | "twelve" and 'thirteen'
            lists 1,2,3 stay; ranges 1-2 too      | lists 1,2,3 stay; ranges 1-2 too
            the 22nd day, -3 degrees              | the twenty second day, minus three degrees
            """)
    void rewritesOnlyStandaloneNumbersInText(String text, String expected) {
        assertEquals(expected, numberToWords.apply(text));
    }

    @Test
    void keepsWhitespaceAsItIs() {
        assertEquals("a  one\n\ttwo ", numberToWords.apply("a  1\n\t2 "));
    }

    @Test
    void helpersRejectValuesOutsideTheirRange() {
        assertThrows(IllegalArgumentException.class, () -> NumberToWords.cardinal(-1));
        assertThrows(IllegalArgumentException.class, () -> NumberToWords.year(2100));
    }
}
