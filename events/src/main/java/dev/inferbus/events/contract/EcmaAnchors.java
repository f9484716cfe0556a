package dev.inferbus.events.contract;

import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;
import java.util.regex.Pattern;

/**
 * Schema patterns with ECMA-262's {@code $}. JSON Schema patterns are ECMA-262 regular expressions (JSON Schema
 * 2020-12 Validation §6.3.3), where {@code $} without the multiline flag matches only at the end of the input
 * (ECMA-262 §22.2.2.6, Assertion {@code $}). java.util.regex's {@code $} also matches before a final line
 * terminator (java.util.regex.Pattern, "Line terminators"), so under the validator's default {@code "abc\n"},
 * {@code "abc\r"} and {@code "abc\u2028"} passed {@code ^[A-Za-z0-9]+$} and reached table keys, object keys and
 * logs. Each {@code $} outside a character class is compiled as Java's {@code \z}, which is ECMA's {@code $}.
 */
final class EcmaAnchors implements RegularExpressionFactory {

    static final EcmaAnchors INSTANCE = new EcmaAnchors();

    private EcmaAnchors() {
    }

    @Override
    public RegularExpression getRegularExpression(String regex) {
        Pattern pattern = Pattern.compile(toJava(regex));
        return value -> pattern.matcher(value).find();
    }

    static String toJava(String regex) {
        StringBuilder java = new StringBuilder(regex.length() + 4);
        boolean inClass = false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < regex.length()) {
                java.append(c).append(regex.charAt(++i));
            } else if (c == '[') {
                inClass = true;
                java.append(c);
            } else if (c == ']') {
                inClass = false;
                java.append(c);
            } else if (c == '$' && !inClass) {
                java.append("\\z");
            } else {
                java.append(c);
            }
        }
        return java.toString();
    }
}
