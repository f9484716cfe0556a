package dev.inferbus.local.eventbridge;

/**
 * A rule of the bus as EventBridge's control plane names it: what {@code ListRules} answers and what a replay's
 * {@code Destination.FilterArns} selects by. Every value comes from the template ({@code Ref} for the name,
 * {@code Fn::GetAtt Rule.Arn} for the ARN: {@code arn:aws:events:<region>:<account>:rule/<bus>/<name>} on a custom
 * bus).
 *
 * @param eventPattern the rule's pattern, as the template writes it (JSON text)
 */
public record BusRule(String name, String arn, String busName, String eventPattern) {

    /** Rules the template deploys are enabled: CloudFormation's {@code State} defaults to {@code ENABLED}. */
    public static final String ENABLED = "ENABLED";
}
