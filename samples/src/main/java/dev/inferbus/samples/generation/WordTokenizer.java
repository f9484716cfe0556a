package dev.inferbus.samples.generation;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The n-gram model's tokens: words (with inner apostrophes), numbers, "--" and single punctuation marks. The
 * corpus's italics underscores and double quotes carry no word and are dropped, so a generated text never opens a
 * quote it cannot close. A token's text in a continuation carries the space a reader expects before it.
 */
final class WordTokenizer {

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z]+(?:'[A-Za-z]+)*|\\d+|--|[.,;:!?()\\[\\]'&-]");
    private static final Set<String> NO_SPACE_BEFORE = Set.of(".", ",", ";", ":", "!", "?", ")", "]", "'");
    private static final Set<String> NO_SPACE_AFTER = Set.of("(", "[");

    private WordTokenizer() {
    }

    static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            tokens.add(m.group());
        }
        return tokens;
    }

    /** {@code token} as it reads after {@code previous} (null at the start of the text). */
    static String spaced(String previous, String token) {
        boolean joined = previous == null || NO_SPACE_BEFORE.contains(token) || NO_SPACE_AFTER.contains(previous);
        return joined ? token : " " + token;
    }
}
