package dev.inferbus.local.template;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How one service constrains a resource name, for the names the local cloud generates where the template gives
 * none. CloudFormation generates {@code <stack>-<logicalId>-<RANDOM>}; the local cloud leaves out the random part
 * so every run of the same template gets the same names.
 *
 * @param maxLength the service's limit
 * @param invalid characters the service does not accept (each becomes {@code -})
 * @param lowerCase S3 bucket names are lower case only
 */
record NameRule(int maxLength, Pattern invalid, boolean lowerCase) {

    /** Names cut to fit end in a hash of the whole name, so two long ids sharing a prefix stay two names. */
    private static final int HASH_LENGTH = 8;

    static NameRule of(int maxLength, String invalidCharacters) {
        return new NameRule(maxLength, Pattern.compile(invalidCharacters), false);
    }

    static NameRule lowerCase(int maxLength, String invalidCharacters) {
        return new NameRule(maxLength, Pattern.compile(invalidCharacters), true);
    }

    /** {@code <stack>-<logicalId>} made valid, leaving room for {@code suffix} (".fifo"). */
    String generate(String stackName, String logicalId, String suffix) {
        String name = stackName + "-" + logicalId;
        if (lowerCase) {
            name = name.toLowerCase(Locale.ROOT);
        }
        name = invalid.matcher(name).replaceAll("-");
        // Several services (S3, SageMaker) want a letter or digit at both ends; none minds it.
        name = name.replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
        int room = maxLength - suffix.length();
        if (name.length() > room) {
            name = name.substring(0, room - HASH_LENGTH - 1).replaceAll("[^A-Za-z0-9]+$", "") + "-" + hash(name);
        }
        return name + suffix;
    }

    private static String hash(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
