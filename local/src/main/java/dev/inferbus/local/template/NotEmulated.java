package dev.inferbus.local.template;

import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The one line a local deployment prints about what it leaves out, so a reader sees at a glance that alarms and
 * IAM were skipped on purpose rather than lost. Stable: counts descending, then type name.
 */
public final class NotEmulated {

    private NotEmulated() {
    }

    /** e.g. {@code not emulated: AWS::CloudWatch::Alarm ×21, AWS::IAM::Policy ×10}; {@code not emulated: none}. */
    public static String line(Template template, Set<String> emulatedTypes) {
        Map<String, Long> counts = counts(template, emulatedTypes);
        if (counts.isEmpty()) {
            return "not emulated: none";
        }
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .map(e -> e.getKey() + " ×" + e.getValue())
                .collect(Collectors.joining(", ", "not emulated: ", ""));
    }

    /** Resource count per type the caller does not emulate, by type name. */
    public static Map<String, Long> counts(Template template, Set<String> emulatedTypes) {
        return template.resources().stream()
                .filter(r -> !emulatedTypes.contains(r.type()))
                .collect(Collectors.groupingBy(Resource::type, TreeMap::new, Collectors.counting()));
    }
}
