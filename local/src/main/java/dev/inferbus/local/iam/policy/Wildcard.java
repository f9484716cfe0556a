package dev.inferbus.local.iam.policy;

/**
 * IAM's glob: {@code *} matches any run of characters (also {@code /} and {@code :}), {@code ?} exactly one. Actions
 * compare case-insensitively, resources and ARN parts case-sensitively
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards).
 */
final class Wildcard {

    private Wildcard() {
    }

    static boolean matches(String pattern, String text, boolean ignoreCase) {
        // Greedy scan with one backtrack point (the last '*'): linear for the patterns policies hold.
        int p = 0;
        int t = 0;
        int star = -1;
        int resume = 0;
        while (t < text.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || same(pattern.charAt(p), text.charAt(t), ignoreCase))) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                resume = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    private static boolean same(char a, char b, boolean ignoreCase) {
        return a == b || ignoreCase && Character.toLowerCase(a) == Character.toLowerCase(b);
    }
}
