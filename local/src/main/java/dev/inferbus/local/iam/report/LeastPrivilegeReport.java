package dev.inferbus.local.iam.report;

import dev.inferbus.local.iam.policy.Grant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Per function, the calls it made against the grants its execution role holds: which grant each call used, and the
 * grants no call used — candidates for removal, as IAM Access Analyzer's unused-permission findings are
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings.html).
 *
 * @param functions each function's name → its role's grants and the calls it made, in print order
 */
public record LeastPrivilegeReport(Map<String, FunctionAccess> functions) {

    /** One function: its role, what the role grants, and its calls (action + resource → allowed and denied counts). */
    public record FunctionAccess(String roleArn, List<Grant> grants, Map<Call, Counts> calls) {
    }

    public record Call(String action, String resource) implements Comparable<Call> {
        @Override
        public int compareTo(Call other) {
            int byAction = action.compareTo(other.action);
            return byAction != 0 ? byAction : resource.compareTo(other.resource);
        }
    }

    public record Counts(long allowed, long denied) {
    }

    /** A grant of one function's role with the calls that fell under it. */
    public record GrantUse(Grant grant, long calls) {
        public boolean unused() {
            return calls == 0;
        }
    }

    /** Each grant of the function's role with how many calls fell under it, in the role's order. */
    public static List<GrantUse> uses(FunctionAccess access) {
        List<GrantUse> uses = new ArrayList<>();
        for (Grant grant : access.grants()) {
            long calls = access.calls().entrySet().stream()
                    .filter(c -> grant.covers(c.getKey().action(), c.getKey().resource()))
                    .mapToLong(c -> c.getValue().allowed()).sum();
            uses.add(new GrantUse(grant, calls));
        }
        return uses;
    }

    /** The report as text: per function its calls (allowed/denied) and its grants, unused ones flagged. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        functions.forEach((function, access) -> {
            out.add("function " + function + " (role " + access.roleArn() + ")");
            SortedMap<Call, Counts> calls = new TreeMap<>(access.calls());
            out.add("  used:");
            if (calls.isEmpty()) {
                out.add("    (no calls)");
            }
            calls.forEach((call, counts) -> out.add(String.format("    %-34s %s  allowed %d, denied %d", call.action(), call.resource(),
                    counts.allowed(), counts.denied())));
            out.add("  granted:");
            for (GrantUse use : uses(access)) {
                Grant g = use.grant();
                out.add(String.format("    %-8s %-34s %s%s  (%s %s)", use.unused() ? "UNUSED" : "used " + use.calls(), g.action(),
                        g.resource(), g.conditional() ? " [conditional]" : "", g.policy(), g.statement()));
            }
        });
        return out;
    }
}
