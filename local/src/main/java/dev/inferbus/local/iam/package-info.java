/**
 * Identity and access management of the local cloud: who a request comes from (its SigV4 access key), what it asks
 * (an IAM action on a resource ARN) and whether the template's own policies allow it, as AWS evaluates them.
 *
 * <p>{@code policy} holds the policy model and its evaluation (identity policies, resource policies, KMS key
 * policies); {@code gateway} the wire side: signature verification, the action and resource of each service's
 * requests, the denial each service answers, and the HTTPS gateway in front of every local service.
 */
package dev.inferbus.local.iam;
