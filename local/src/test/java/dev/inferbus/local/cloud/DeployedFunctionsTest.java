package dev.inferbus.local.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every Java function of the template starts from the deployment zip under AWS's runtime interface client, with
 * the template's environment, and finishes its init: the models it reads are where the bucket deployment put them,
 * and the zip's native libraries load (each was broken once and failed only in an AWS account).
 */
@ExtendWith(LocalCloudExtension.class)
class DeployedFunctionsTest {

    @Test
    void everyFunctionOfTheTemplateFinishesItsInitFromTheZip(CloudBackend backend) throws java.io.IOException {
        LocalCloud cloud = ((EmbeddedBackend) backend).cloud();

        assertThat(cloud.functionNames()).containsOnlyKeys("cpu-direct", "cpu-batch", "cpu-stream", "gpu-document-embedder",
                "gpu-archive-embedder", "gpu-sentence-embedder-raw", "gpu-chat-assistant", "gpu-story-writer",
                "gpu-complete");
        assertThat(cloud.report().stream().filter(line -> line.startsWith("function ")))
                .hasSize(9)
                .allSatisfy(line -> assertThat(line).contains("Ready[").doesNotContain("Failed["));
        for (String function : cloud.functionNames().keySet()) {
            assertThat(cloud.function(function).function().taskRoot()).as(function).isNotEmptyDirectory();
            // permission bits, not canWrite(): the test may run as root, which writes anywhere; the functions run unprivileged
            assertThat(java.nio.file.Files.getPosixFilePermissions(cloud.function(function).function().taskRoot()))
                    .as(function + " task root").doesNotContain(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
                            java.nio.file.attribute.PosixFilePermission.GROUP_WRITE, java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE);
        }
    }
}
