package dev.inferbus.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code ./inferbus demo} and {@code demo --soak}, through the local cloud: the template deployed, every function a process of the zip. */
class DemoCommandTest {

    @Test
    void theDemoPassesWithOneRowPerSample() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);

        int status = Main.run(new String[] {"demo"}, print, print);

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as(printed).isZero();
        assertThat(printed).containsPattern("37/37 samples ended as expected; 37 rows in \\S+ for 37 events")
                .containsPattern("chat-0001: \\d+ InferenceProgress events \\(tokens so far [0-9, ]+\\), then InferenceCompleted"
                        + " with \\d+ tokens: in order, each text a prefix of the next and of the final one")
                .contains("demo passed")
                .contains("function ").contains("dev.inferbus.functions.handler.SqsBatchHandler::handleRequest, 2048 MB, timeout 120 s")
                .contains("not emulated: ")
                .containsPattern("arc-0001 +archive-embedder +gpu-archive-embedder +COMPLETED");
    }

    @Test
    void theSoakReconcilesTwoThousandEventsUnderFaultsWithNothingLostOrDoubled() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);

        int status = Main.run(new String[] {"demo", "--soak", "--events", "2000"}, print, print);

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as(printed).isZero();
        assertThat(printed).contains("events put          2000").contains("lost                0")
                .contains("duplicated events   0").contains("unannounced rows    0").contains("wrong outcome       0")
                .containsPattern("faults injected     [1-9]").contains("processes killed    1").contains("soak passed");
    }
}
