package dev.inferbus.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code ./inferbus demo}, in process: every sample through the local cloud and the real handlers. */
class DemoCommandTest {

    @Test
    void theDemoPassesWithOneRowPerSample() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);

        int status = Main.run(new String[] {"demo"}, print, print);

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as(printed).isZero();
        assertThat(printed).contains("25/25 samples ended as expected; 25 rows in inferbus-results for 25 events")
                .contains("demo passed");
    }
}
