package dev.inferbus.local.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * The commands the launcher script {@code ./inferbus} runs itself (they build the project or run another module's
 * main class). They are declared here so that {@code help} lists every command and {@code help COMMAND} shows each
 * one's usage; run through {@link Main}, without the launcher, each says so and exits 2.
 */
final class LauncherCommands {

    /** The second line of each one's description. */
    static final String LAUNCHER = "Run by the launcher script ./inferbus itself, not by this program.";

    private LauncherCommands() {
    }

    /** A command that only the launcher runs: run here, it points there. */
    abstract static class LauncherCommand extends CliCommand {

        /** Whatever was given: the launcher takes it, not this program. */
        @Unmatched
        List<String> arguments;

        @Override
        public Integer call() {
            err.println("error: '" + spec.name() + "' is run by the launcher script: ./inferbus " + spec.name()
                    + " (from the repository root)");
            return 2;
        }
    }

    @Command(name = "test", description = {"Run the whole test suite (./mvnw verify), what CI runs.", LAUNCHER,
            "MAVEN_ARGs go to Maven after verify, e.g. -pl events -am for one module and those it needs."})
    static final class Test extends LauncherCommand {

        @Parameters(paramLabel = "MAVEN_ARG", arity = "0..*", description = "more arguments for ./mvnw verify")
        List<String> maven;
    }

    @Command(name = "build", description = {"Build without tests (./mvnw install -DskipTests).", LAUNCHER,
            "Builds the functions zip and the models the CDK app deploys; the other commands build what is stale by themselves."})
    static final class Build extends LauncherCommand {

        @Parameters(paramLabel = "MAVEN_ARG", arity = "0..*", description = "more arguments for ./mvnw install -DskipTests")
        List<String> maven;
    }

    @Command(name = "cdk-app", description = {"Synthesize the CDK app from the catalog (cdk.json's app).", LAUNCHER,
            "cdk runs it in infra-cdk/ with its context (npx aws-cdk synth, deploy)."})
    static final class CdkApp extends LauncherCommand {
    }

    @Command(name = "bench", description = {"Measure the benchmarks of BENCHMARKS.md (P1-P5).", LAUNCHER,
            "Prints the table of figures, each measured in this one run on this machine."})
    static final class Bench extends LauncherCommand {

        @Option(names = "--quick", description = "fewer and shorter trials")
        boolean quick;

        @Option(names = "--record", description = "write the table to BENCHMARKS.md")
        boolean record;

        @Option(names = "--only", paramLabel = "FIGURES", description = "p5: only the gpu forwarder's figures; p4-routes: only "
                + "put-to-row latency per route at 10 events/s for 30 s")
        String only;
    }

    @Command(name = "train-samples", description = {"Retrain the two small sample models.", LAUNCHER,
            "Writes fraud-scorer and sensor-anomaly into samples/src/main/resources/models; a test checks that the "
                    + "committed files equal a retrain byte for byte."})
    static final class TrainSamples extends LauncherCommand {
    }
}
