package dev.inferbus.local.handlers;

import static dev.inferbus.local.handlers.CloudProbe.detail;
import static dev.inferbus.local.handlers.CloudProbe.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.results.Status;
import dev.inferbus.events.results.StoredResult;
import dev.inferbus.local.cloud.CloudBackend;
import dev.inferbus.local.cloud.EmbeddedBackend;
import dev.inferbus.local.cloud.LocalCloud;
import dev.inferbus.local.cloud.LocalCloudExtension;
import dev.inferbus.local.template.CloudAssembly;
import dev.inferbus.local.template.Synthesizer;
import dev.inferbus.local.template.Template;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's H1, as the local cloud now sees it: asynchronous outputs are written under the GPU tier's KMS key, so the
 * completion function reads them only with {@code kms:Decrypt} on that key. Without the grant the read is denied, as
 * in AWS, and the request never completes; with it (the stack as built) it completes.
 */
@ExtendWith(LocalCloudExtension.class)
class KmsGrantEnforcedTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ASYNC_MODEL = "archive-embedder";

    @Test
    void withTheGrantTheCompletionFunctionDecryptsTheOutput(CloudBackend backend) {
        LocalCloud cloud = ((EmbeddedBackend) backend).cloud();
        CloudProbe probe = new CloudProbe(cloud, "kms-granted");
        probe.put(detail("kms-granted-1", ASYNC_MODEL, text("an archived report")));

        assertThat(probe.awaitRow("kms-granted-1").status()).isEqualTo(Status.COMPLETED);
        String completion = completionRole(cloud);
        assertThat(cloud.accessLog().decisions().get(completion)).anySatisfy((call, counts) -> {
            assertThat(call.action()).isEqualTo("kms:Decrypt");
            assertThat(counts.allowed()).isPositive();
            assertThat(counts.denied()).isZero();
        });
    }

    @Test
    void withoutTheGrantTheReadIsDeniedAndTheRequestStaysPending(@TempDir Path work) throws Exception {
        Path root = Synthesizer.projectRoot();
        CloudAssembly built = Synthesizer.synthesize(root, root.resolve("infra-cdk/target/local-cdk.out"), System.err);
        JsonNode template = JSON.readTree(Files.readString(built.directory().resolve(built.stackName() + ".template.json")));
        assertThat(removeKmsDecryptOfCompletionRole(template)).as("the template's grant of kms:Decrypt to gpu-complete").isOne();
        CloudAssembly withoutGrant = new CloudAssembly(built.directory(), built.stackName(), Template.parse(template), built.assets());

        try (LocalCloud cloud = LocalCloud.start(withoutGrant, LocalCloud.Settings.forTests(), work)) {
            CloudProbe probe = new CloudProbe(cloud, "kms-denied");
            probe.put(detail("kms-denied-1", ASYNC_MODEL, text("an archived report")));
            // SageMaker wrote the output (its role may use the key); the completion function cannot read it
            dev.inferbus.local.cloud.Eventually.await(() -> cloud.accessLog().denials().keySet().stream()
                    .anyMatch(message -> message.contains("kms:Decrypt")));

            String denial = cloud.accessLog().denials().keySet().stream().filter(m -> m.contains("kms:Decrypt")).findFirst().orElseThrow();
            assertThat(denial).startsWith("User: arn:aws:sts::000000000000:assumed-role/").contains("gpucomplete")
                    .contains("is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:");
            StoredResult stored = cloud.result("kms-denied-1").orElseThrow();
            assertThat(stored).isInstanceOf(StoredResult.Pending.class);
        }
    }

    /** The completion function's role, by its function's tag in the template. */
    private static String completionRole(LocalCloud cloud) {
        return cloud.leastPrivilege().functions().get("gpu-complete").roleArn();
    }

    /** Takes kms:Decrypt out of the completion role's policy, as a stack built without H1's fix had it; how many went. */
    private static int removeKmsDecryptOfCompletionRole(JsonNode template) {
        int removed = 0;
        for (Iterator<java.util.Map.Entry<String, JsonNode>> it = template.path("Resources").fields(); it.hasNext(); ) {
            var resource = it.next();
            JsonNode properties = resource.getValue().path("Properties");
            if (!resource.getValue().path("Type").asText().equals("AWS::IAM::Policy")
                    || !properties.path("Roles").toString().contains("gpucomplete")) {
                continue;
            }
            ArrayNode statements = (ArrayNode) properties.path("PolicyDocument").path("Statement");
            for (int i = statements.size() - 1; i >= 0; i--) {
                if (statements.get(i).path("Action").asText().equals("kms:Decrypt")) {
                    statements.remove(i);
                    removed++;
                }
            }
            ((ObjectNode) properties.path("PolicyDocument")).set("Statement", statements);
        }
        return removed;
    }
}
