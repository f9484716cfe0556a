package dev.inferbus.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.PolicyValidationPluginReport;

/**
 * Runs once with CDK's built-in template validation on (its own Surefire execution), and cdk-nag's AWS
 * Solutions checks: the synth succeeds and no finding is left unacknowledged.
 */
class TemplateValidationTest {

    @Test
    void synthesisPassesTheBuiltInValidationAndCdkNag() throws Exception {
        Synthesized synth = Synthesized.sample();
        synth.app.synth();

        PolicyValidationPluginReport report = new AwsSolutionsChecks().validateScope(synth.stack);

        assertThat(report.getViolations()).as(String.valueOf(report.getViolations())).isEmpty();
        assertThat(report.getSuccess()).isTrue();
    }
}
