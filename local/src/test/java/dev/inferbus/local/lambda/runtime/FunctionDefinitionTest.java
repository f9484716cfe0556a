package dev.inferbus.local.lambda.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a function definition accepts, as CreateFunction would, and what it derives from its ARN. */
class FunctionDefinitionTest {

    @TempDir
    Path taskRoot;

    private FunctionDefinition withArn(String arn, Map<String, String> environment) {
        return new FunctionDefinition("scorer", arn, "fn.Probe", taskRoot, environment, 512, 30, "arm64", 2,
                taskRoot.resolve("scorer.log"));
    }

    @Test
    void theArnGivesRegionAndVersion() {
        FunctionDefinition latest = withArn("arn:aws:lambda:us-east-2:123456789012:function:scorer", Map.of());
        assertThat(latest.region()).isEqualTo("us-east-2");
        assertThat(latest.version()).isEqualTo("$LATEST");
        assertThat(latest.logGroupName()).isEqualTo("/aws/lambda/scorer");
        assertThat(withArn("arn:aws:lambda:us-east-2:123456789012:function:scorer:7", Map.of()).version()).isEqualTo("7");
    }

    @Test
    void anAliasArnNeedsTheVersionItPointsTo() {
        assertThatThrownBy(() -> withArn("arn:aws:lambda:us-east-2:123456789012:function:scorer:live", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alias");
        FunctionDefinition aliased = new FunctionDefinition("scorer",
                "arn:aws:lambda:us-east-2:123456789012:function:scorer:live", "fn.Probe", taskRoot, Map.of(), 512, 30,
                "x86_64", 1, taskRoot.resolve("scorer.log"), "3");
        assertThat(aliased.version()).isEqualTo("3");
    }

    @Test
    void lambdasReservedVariablesAndLimitsAreRefused() {
        String arn = "arn:aws:lambda:us-east-2:123456789012:function:scorer";
        assertThatThrownBy(() -> withArn(arn, Map.of("AWS_REGION", "eu-west-1", "MODEL", "m")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[AWS_REGION]");
        assertThatThrownBy(() -> withArn("arn:aws:lambda:us-east-2:123456789012:function:other", Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FunctionDefinition("scorer", arn, "fn.Probe", taskRoot, Map.of(), 64, 30, "x86_64",
                1, taskRoot.resolve("scorer.log"))).hasMessageContaining("MemorySize");
        assertThatThrownBy(() -> new FunctionDefinition("scorer", arn, "fn.Probe", taskRoot, Map.of(), 512, 901,
                "x86_64", 1, taskRoot.resolve("scorer.log"))).hasMessageContaining("Timeout");
    }

    @Test
    void theHeapIsEightyFivePercentOfMemorySizeAsLambdaRoundsIt() {
        // Lambda's java runtime at 512 MB runs with -XX:MaxHeapSize=445645k
        assertThat(JavaRuntimeCommand.maxHeapKb(512)).isEqualTo(445_645);
        assertThat(JavaRuntimeCommand.maxHeapKb(1024)).isEqualTo(891_290);
    }

    @Test
    void lambdasErrorWordingForExits() {
        assertThat(new InvocationResult.Crashed(137).errorMessage()).isEqualTo("Runtime exited with error: signal: killed");
        assertThat(new InvocationResult.Crashed(1).errorMessage()).isEqualTo("Runtime exited with error: exit status 1");
        assertThat(new InvocationResult.Timeout(3).payload())
                .isEqualTo("{\"errorType\":\"Sandbox.Timedout\",\"errorMessage\":\"Task timed out after 3.00 seconds\"}");
    }
}
