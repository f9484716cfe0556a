package dev.inferbus.local.relay;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Percent-decoding of the raw paths and query strings AWS clients send. Unlike form decoding, a {@code +} stays a
 * plus: SigV4 clients encode a space as {@code %20}, and an S3 key may hold a literal {@code +}.
 */
public final class PercentCoding {

    private PercentCoding() {
    }

    /** {@code %XX} sequences decoded as UTF-8; a {@code %} not followed by two hex digits is kept as it is. */
    public static String decode(String encoded) {
        if (encoded.indexOf('%') < 0) {
            return encoded;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        int i = 0;
        while (i < encoded.length()) {
            if (encoded.charAt(i) == '%' && isHex(encoded, i + 1) && isHex(encoded, i + 2)) {
                bytes.write(Character.digit(encoded.charAt(i + 1), 16) << 4 | Character.digit(encoded.charAt(i + 2), 16));
                i += 3;
            } else {
                int codePoint = encoded.codePointAt(i);
                bytes.writeBytes(Character.toString(codePoint).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(codePoint);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(String text, int index) {
        return index < text.length() && Character.digit(text.charAt(index), 16) >= 0;
    }
}
