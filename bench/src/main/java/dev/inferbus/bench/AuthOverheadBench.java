package dev.inferbus.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.local.cloud.AwsClients;
import dev.inferbus.local.cloud.ClientIdentity;
import dev.inferbus.local.emulators.DynamoDbLocalServer;
import dev.inferbus.local.iam.Principal;
import dev.inferbus.local.iam.gateway.AuthGateway;
import dev.inferbus.local.iam.gateway.GatewaySettings;
import dev.inferbus.local.iam.gateway.services.Arns;
import dev.inferbus.local.iam.gateway.services.AwsService;
import dev.inferbus.local.iam.gateway.sigv4.CredentialsRegistry;
import dev.inferbus.local.iam.gateway.tls.GatewayTls;
import dev.inferbus.local.iam.policy.IamModel;
import dev.inferbus.local.iam.policy.PolicySources;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What the local cloud's IAM enforcement costs a call: the same DynamoDB GetItem, one at a time, straight to DynamoDB
 * Local over HTTP and through the HTTPS gateway that verifies its SigV4 signature and authorizes it against a role's
 * policy (the path every function call takes), measured in one run.
 */
final class AuthOverheadBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROLE = "bench-role";
    private static final String TABLE = "bench";

    /** Per-call latencies in ms: p50 and p99 of each path. */
    record Result(int calls, double directP50, double directP99, double gatewayP50, double gatewayP99) {
        String describe() {
            return String.format("GetItem, %d calls each: direct p50 %.2f ms, p99 %.2f ms; through the gateway p50 %.2f ms,"
                    + " p99 %.2f ms; overhead p50 +%.2f ms (%.1f×)", calls, directP50, directP99, gatewayP50, gatewayP99,
                    gatewayP50 - directP50, gatewayP50 / directP50);
        }
    }

    private static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    static Result run(int calls) throws Exception {
        try (DynamoDbLocalServer dynamo = DynamoDbLocalServer.start(0)) {
            String account = AwsClients.ACCOUNT;
            IamModel model = IamModel.build(new PolicySources(account, List.of(
                    new PolicySources.ResolvedResource("Role", "AWS::IAM::Role", JSON.createObjectNode()),
                    new PolicySources.ResolvedResource("Policy", "AWS::IAM::Policy", JSON.readTree("""
                            {"PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                              "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
                              "Resource": "arn:aws:dynamodb:us-east-1:000000000000:table/bench"}]},
                             "Roles": ["bench-role"]}"""))),
                    id -> "arn:aws:iam::" + account + ":role/" + ROLE, url -> url));
            GatewayTls tls = GatewayTls.create(Files.createTempDirectory("inferbus-bench-tls"));
            CredentialsRegistry credentials = new CredentialsRegistry(account);
            var role = credentials.issue(Principal.roleSession(account, ROLE, "bench"));
            try (AuthGateway gateway = AuthGateway.start(AwsService.DYNAMODB, 0, dynamo.endpoint(),
                    GatewaySettings.of(tls, credentials, model, new Arns(AwsClients.REGION, account), GatewaySettings.Mode.ENFORCE));
                 DynamoDbClient direct = AwsClients.configure(DynamoDbClient.builder(), dynamo.endpoint()).build();
                 DynamoDbClient signed = AwsClients.configure(DynamoDbClient.builder(), gateway.endpoint(),
                         ClientIdentity.of(role, tls.trust())).build()) {
                direct.createTable(b -> b.tableName(TABLE).billingMode("PAY_PER_REQUEST")
                        .attributeDefinitions(a -> a.attributeName("requestId").attributeType("S"))
                        .keySchema(k -> k.attributeName("requestId").keyType("HASH")));
                Map<String, AttributeValue> key = Map.of("requestId", AttributeValue.fromS("r-1"));
                signed.putItem(b -> b.tableName(TABLE).item(Map.of("requestId", AttributeValue.fromS("r-1"),
                        "status", AttributeValue.fromS("COMPLETED"))));
                double[] viaDirect = new double[calls];
                double[] viaGateway = new double[calls];
                for (int warm = 0; warm < 300; warm++) {
                    direct.getItem(b -> b.tableName(TABLE).key(key));
                    signed.getItem(b -> b.tableName(TABLE).key(key));
                }
                // interleaved, so that both paths see the same machine
                for (int i = 0; i < calls; i++) {
                    long t0 = System.nanoTime();
                    direct.getItem(b -> b.tableName(TABLE).key(key));
                    long t1 = System.nanoTime();
                    signed.getItem(b -> b.tableName(TABLE).key(key));
                    long t2 = System.nanoTime();
                    viaDirect[i] = (t1 - t0) / 1e6;
                    viaGateway[i] = (t2 - t1) / 1e6;
                }
                return new Result(calls, percentile(viaDirect, 0.5), percentile(viaDirect, 0.99), percentile(viaGateway, 0.5),
                        percentile(viaGateway, 0.99));
            }
        }
    }
}
