package io.dsistream.models.augment;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Num2Word (DSI + PEFT report §2.3.1): numbers written with digits become English words ("42" → "forty two"),
 * because purely numerical tokens are poorly placed in the encoder's embedding space. The report used Python's
 * {@code inflect}; this is a self-contained reading with these rules, words always joined by single spaces and
 * never by hyphens or "and":
 *
 * <ul>
 *   <li>integers, optionally with a sign ({@code -}, {@code −}) and comma thousands separators in groups of
 *       three: "-3" → "minus three", "1,000,000" → "one million";</li>
 *   <li>decimals: the integer part as a cardinal, "point", then each fraction digit: "0.05" → "zero point zero
 *       five", ".5" → "point five";</li>
 *   <li>ordinals with the matching suffix, any case: "1st" → "first", "22nd" → "twenty second", "103rd" → "one
 *       hundred third"; a wrong suffix ("1th", "12nd") is not a number and stays;</li>
 *   <li>years: an unsigned four-digit number without separators in 1100–2099 reads as a year ("1999" →
 *       "nineteen ninety nine", "1905" → "nineteen oh five", "1900" → "nineteen hundred", "2005" → "two
 *       thousand five", "2024" → "twenty twenty four"). "1,500" (with a separator) stays a cardinal;</li>
 *   <li>percentages: any of the above numbers but ordinals followed by {@code %}: "3.5%" → "three point five
 *       percent";</li>
 *   <li>integers with a leading zero ("007", "0042") are codes, read digit by digit ("zero zero seven");</li>
 *   <li>integers beyond {@link Long#MAX_VALUE} stay as they are.</li>
 * </ul>
 *
 * <p><b>Which numbers in a text are converted.</b> The text is split on whitespace. A whitespace-separated token
 * is converted only when, after stripping leading opening brackets and quotes {@code ( [ { " ' “ ‘} and trailing
 * sentence punctuation, closing brackets and quotes {@code . , ; : ! ? ) ] } " ' ” ’}, what remains is entirely
 * one number of the forms above. The stripped punctuation and all whitespace are kept. Numbers glued to anything
 * else therefore stay as they are: gene and protein names ("IL-6", "p53", "COVID19", "COVID-19"), ranges and
 * ratios ("1-2", "10/20"), versions ("2.5.4"), units ("5mg"), currency ("$5"), lists without spaces ("1,2,3")
 * and plurals ("1990s"). That keeps identifiers intact, which matter more to retrieval than their digits' words.
 *
 * <p>Stateless and thread-safe.
 */
public final class NumberToWords {

    private static final String[] UNITS = {
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"
    };
    private static final String[] TENS = {
        "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"
    };
    /** Scale words for groups of three digits; {@code Long.MAX_VALUE} is 9.2 quintillion. */
    private static final String[] SCALES = {"", "thousand", "million", "billion", "trillion", "quadrillion", "quintillion"};

    private static final Pattern TOKEN = Pattern.compile("\\S+");
    private static final Pattern CORE = Pattern.compile(
            "^([(\\[{\"'“‘]*)(.*?)([.,;:!?)\\]}\"'”’]*)$", Pattern.DOTALL);
    private static final Pattern NUMBER = Pattern.compile(
            "(?<sign>[-−])?"
            + "(?<int>\\d{1,3}(?:,\\d{3})+|\\d+)?"
            + "(?:\\.(?<frac>\\d+))?"
            + "(?<suffix>%|st|nd|rd|th)?",
            Pattern.CASE_INSENSITIVE);

    /** Rewrites every standalone number in {@code text} as words (see the class comment for the rule). */
    public String apply(String text) {
        Matcher token = TOKEN.matcher(text);
        StringBuilder out = new StringBuilder(text.length() + 16);
        while (token.find()) {
            token.appendReplacement(out, Matcher.quoteReplacement(rewriteToken(token.group())));
        }
        token.appendTail(out);
        return out.toString();
    }

    /**
     * The words for one number written on its own ("3.5%", "-1,000", "22nd", "1999"), or empty if {@code number}
     * is not exactly one number of the forms this class reads.
     */
    public static Optional<String> words(String number) {
        Matcher m = NUMBER.matcher(number);
        if (!m.matches()) {
            return Optional.empty();
        }
        String sign = m.group("sign");
        String integer = m.group("int");
        String fraction = m.group("frac");
        String suffix = m.group("suffix") == null ? null : m.group("suffix").toLowerCase(Locale.ROOT);
        if (integer == null && fraction == null) {
            return Optional.empty();
        }
        boolean percent = "%".equals(suffix);
        boolean ordinalSuffix = suffix != null && !percent;
        if (ordinalSuffix && (sign != null || fraction != null || integer == null || integer.contains(","))) {
            return Optional.empty();
        }

        String digits = integer == null ? null : integer.replace(",", "");
        StringBuilder words = new StringBuilder();
        if (sign != null) {
            words.append("minus ");
        }
        if (digits != null) {
            if (digits.length() > 1 && digits.charAt(0) == '0' && !integer.contains(",")) {
                // Leading zeros mark codes ("007"), not quantities: read them digit by digit.
                if (ordinalSuffix) {
                    return Optional.empty();
                }
                words.append(digitByDigit(digits));
            } else {
                long value;
                try {
                    value = Long.parseLong(digits);
                } catch (NumberFormatException tooLong) {
                    return Optional.empty();
                }
                if (ordinalSuffix) {
                    if (!suffix.equals(ordinalSuffix(value))) {
                        return Optional.empty();
                    }
                    return Optional.of(ordinal(value));
                }
                boolean year = sign == null && fraction == null && !percent && !integer.contains(",")
                        && digits.length() == 4 && value >= 1100 && value <= 2099;
                words.append(year ? year((int) value) : cardinal(value));
            }
        }
        if (fraction != null) {
            if (digits != null) {
                words.append(' ');
            }
            words.append("point ").append(digitByDigit(fraction));
        }
        if (percent) {
            words.append(" percent");
        }
        return Optional.of(words.toString());
    }

    /** A non-negative integer as English words: 0 → "zero", 1000000 → "one million", 105 → "one hundred five". */
    public static String cardinal(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("cardinal needs a non-negative value, got " + value);
        }
        if (value == 0) {
            return UNITS[0];
        }
        long rest = value;
        int scale = 0;
        String groups = "";
        // Groups of three digits from the right: 1,234,567 → "one million" "two hundred thirty four thousand" ...
        while (rest > 0) {
            int group = (int) (rest % 1000);
            if (group > 0) {
                String groupWords = belowThousand(group) + (scale > 0 ? " " + SCALES[scale] : "");
                groups = groups.isEmpty() ? groupWords : groupWords + " " + groups;
            }
            rest /= 1000;
            scale++;
        }
        return groups;
    }

    /** A positive or zero integer as an ordinal: 1 → "first", 22 → "twenty second", 103 → "one hundred third". */
    public static String ordinal(long value) {
        String cardinal = cardinal(value);
        int lastSpace = cardinal.lastIndexOf(' ');
        String head = cardinal.substring(0, lastSpace + 1);
        String last = cardinal.substring(lastSpace + 1);
        return head + ordinalWord(last);
    }

    /**
     * A year as it is spoken: 1999 → "nineteen ninety nine", 1900 → "nineteen hundred", 1905 → "nineteen oh
     * five", 2000 → "two thousand", 2005 → "two thousand five", 2024 → "twenty twenty four".
     */
    public static String year(int year) {
        if (year < 1100 || year > 2099) {
            throw new IllegalArgumentException("year reading covers 1100-2099, got " + year);
        }
        if (year >= 2000 && year <= 2009) {
            return cardinal(year);
        }
        int century = year / 100;
        int rest = year % 100;
        String head = belowThousand(century);
        if (rest == 0) {
            return head + " hundred";
        }
        if (rest < 10) {
            return head + " oh " + UNITS[rest];
        }
        return head + " " + belowThousand(rest);
    }

    private static String rewriteToken(String token) {
        Matcher parts = CORE.matcher(token);
        if (!parts.matches()) {
            return token;
        }
        String core = parts.group(2);
        if (core.isEmpty()) {
            return token;
        }
        return words(core).map(w -> parts.group(1) + w + parts.group(3)).orElse(token);
    }

    /** The suffix English writes after {@code value} as an ordinal: 1 → "st", 12 → "th", 22 → "nd". */
    private static String ordinalSuffix(long value) {
        long lastTwo = value % 100;
        if (lastTwo >= 11 && lastTwo <= 13) {
            return "th";
        }
        switch ((int) (value % 10)) {
            case 1:
                return "st";
            case 2:
                return "nd";
            case 3:
                return "rd";
            default:
                return "th";
        }
    }

    private static String ordinalWord(String cardinalWord) {
        switch (cardinalWord) {
            case "one":
                return "first";
            case "two":
                return "second";
            case "three":
                return "third";
            case "five":
                return "fifth";
            case "eight":
                return "eighth";
            case "nine":
                return "ninth";
            case "twelve":
                return "twelfth";
            default:
                if (cardinalWord.endsWith("y")) {
                    return cardinalWord.substring(0, cardinalWord.length() - 1) + "ieth";
                }
                return cardinalWord + "th";
        }
    }

    private static String belowThousand(int value) {
        int hundreds = value / 100;
        int rest = value % 100;
        StringBuilder words = new StringBuilder();
        if (hundreds > 0) {
            words.append(UNITS[hundreds]).append(" hundred");
        }
        if (rest > 0) {
            if (words.length() > 0) {
                words.append(' ');
            }
            if (rest < 20) {
                words.append(UNITS[rest]);
            } else {
                words.append(TENS[rest / 10]);
                if (rest % 10 > 0) {
                    words.append(' ').append(UNITS[rest % 10]);
                }
            }
        }
        return words.toString();
    }

    private static String digitByDigit(String digits) {
        StringBuilder words = new StringBuilder();
        for (int i = 0; i < digits.length(); i++) {
            if (i > 0) {
                words.append(' ');
            }
            words.append(UNITS[digits.charAt(i) - '0']);
        }
        return words.toString();
    }
}
