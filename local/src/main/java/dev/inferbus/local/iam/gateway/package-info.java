/**
 * The wire side of IAM in the local cloud: {@link dev.inferbus.local.iam.gateway.AuthGateway}, an HTTPS endpoint in
 * front of each local service that authenticates SigV4 requests ({@code sigv4}), tells the actions and resources
 * each asks ({@code services}), asks the {@link dev.inferbus.local.iam.Authorizer}, answers refusals and denials in
 * each service's own error shape, and records every decision in an
 * {@link dev.inferbus.local.iam.gateway.AccessLog}. {@code tls} makes the certificate it serves and the trust
 * material clients need.
 *
 * <p>Wiring, for a local cloud: one {@link dev.inferbus.local.iam.gateway.GatewaySettings} shared by one gateway per
 * service, each started with {@code AuthGateway.start(AwsService.DYNAMODB, 0, dynamoDbLocal.endpoint(), settings)};
 * functions get a key from {@code settings.credentials().issue(Principal.roleSession(…))} ({@code environment()}
 * holds the variables to set) and the trust material's {@code javaToolOptions()} as {@code JAVA_TOOL_OPTIONS}.
 */
package dev.inferbus.local.iam.gateway;
