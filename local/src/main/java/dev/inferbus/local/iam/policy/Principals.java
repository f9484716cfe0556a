package dev.inferbus.local.iam.policy;

import dev.inferbus.local.iam.Principal;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A resource policy statement's {@code Principal} or {@code NotPrincipal}: {@code "*"} and {@code {"AWS": …}} /
 * {@code {"Service": …}} entries. Other kinds ({@code Federated}, {@code CanonicalUser}) are kept and match nobody:
 * the local cloud has no such callers.
 */
public record Principals(List<Entry> entries, boolean negated) {

    public enum Kind { ANY, AWS, SERVICE, OTHER }

    public record Entry(Kind kind, String value) {
    }

    /**
     * How far a statement reaches a caller. {@link #ACCOUNT}: the statement names the caller's account (its id or
     * {@code arn:aws:iam::ACCOUNT:root}), which grants nothing by itself but hands the decision to the account's IAM
     * policies (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts,
     * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam).
     * {@link #DIRECT}: the statement names the caller itself (or everyone).
     */
    public enum Reach { NONE, ACCOUNT, DIRECT }

    private static final Pattern ACCOUNT_ROOT = Pattern.compile("(?:arn:aws:iam::)?(\\d{12})(?::root)?");

    public Principals {
        entries = List.copyOf(entries);
    }

    Reach reach(Principal caller) {
        Reach best = Reach.NONE;
        for (Entry entry : entries) {
            Reach reach = reach(entry, caller);
            if (reach.compareTo(best) > 0) {
                best = reach;
            }
        }
        if (!negated) {
            return best;
        }
        // NotPrincipal exempts only the principals it names exactly: naming the account does not exempt its roles'
        // sessions (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html).
        return best == Reach.DIRECT ? Reach.NONE : Reach.DIRECT;
    }

    private static Reach reach(Entry entry, Principal caller) {
        return switch (entry.kind()) {
            case ANY -> Reach.DIRECT;
            case SERVICE -> caller.kind() == Principal.Kind.SERVICE && entry.value().equals(caller.arn())
                    ? Reach.DIRECT : Reach.NONE;
            case AWS -> awsReach(entry.value(), caller);
            case OTHER -> Reach.NONE;
        };
    }

    private static Reach awsReach(String value, Principal caller) {
        if (value.equals("*")) {
            return Reach.DIRECT;
        }
        if (caller.kind() == Principal.Kind.SERVICE) {
            return Reach.NONE;
        }
        var account = ACCOUNT_ROOT.matcher(value);
        if (account.matches()) {
            return account.group(1).equals(caller.account()) ? Reach.ACCOUNT : Reach.NONE;
        }
        return value.equals(caller.arn()) || value.equals(caller.sessionArn()) ? Reach.DIRECT : Reach.NONE;
    }
}
