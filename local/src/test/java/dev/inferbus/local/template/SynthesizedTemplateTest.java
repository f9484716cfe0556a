package dev.inferbus.local.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real CDK app, synthesized once for the class: its template must resolve locally, and its assets must be the
 * project's build outputs. Needs infra-cdk, functions and samples built (their target folders).
 */
class SynthesizedTemplateTest {

    private static final String REGION = "us-east-1";
    private static final String ACCOUNT = "000000000000";

    @TempDir
    static Path out;

    private static Path root;
    private static CloudAssembly assembly;
    private static Template template;
    private static LocalNames names;
    private static Intrinsics intrinsics;

    @BeforeAll
    static void synthesize() throws Exception {
        root = Synthesizer.projectRoot();
        assembly = Synthesizer.synthesize(root, out, System.out);
        template = assembly.template();
        PseudoParameters pseudo = new PseudoParameters(assembly.stackName(), REGION, ACCOUNT);
        names = new LocalNames(template, pseudo, name -> "http://127.0.0.1:9324/" + ACCOUNT + "/" + name);
        intrinsics = new Intrinsics(template, names, pseudo);
    }

    @Test
    void theAssemblyHoldsTheInferbusStack() {
        assertThat(assembly.stackName()).isEqualTo("Inferbus");
        assertThat(template.resources()).isNotEmpty();
        assertThat(template.parameters()).containsKey("BootstrapVersion");
        assertThat(template.parameters().get("BootstrapVersion").isSsmReference()).isTrue();
        assertThat(template.parameters().get("BootstrapVersion").defaultValue())
                .hasValueSatisfying(d -> assertThat(d.asText()).startsWith("/cdk-bootstrap/"));
    }

    @Test
    void everyResourceResolvesWithNoIntrinsicLeft() {
        for (Resource resource : template.resources()) {
            JsonNode resolved = intrinsics.resolvedProperties(resource);
            assertThat(intrinsicsIn(resolved, resource.logicalId())).as(resource.logicalId()).isEmpty();
        }
    }

    @Test
    void everyFunctionEnvironmentResolvesAndPointsTheModelRootAtTheDeployedBucket() {
        Resource deployment = template.ofType("Custom::CDKBucketDeployment").getFirst();
        String bucket = intrinsics.resolvedProperties(deployment).path("DestinationBucketName").asText();
        assertThat(bucket).isNotBlank();

        List<Resource> functions = template.ofType("AWS::Lambda::Function");
        assertThat(functions).hasSizeGreaterThanOrEqualTo(5);
        for (Resource function : functions) {
            JsonNode environment = intrinsics.resolve(function.logicalId(), "Environment", function.property("Environment"));
            assertThat(intrinsicsIn(environment, "")).as(function.logicalId()).isEmpty();
            if (function.property("Runtime").asText().equals("java21")) {
                JsonNode variables = environment.path("Variables");
                assertThat(variables.path("INFERBUS_MODEL_ROOT").asText()).as(function.logicalId())
                        .isEqualTo("s3://" + bucket + "/");
                assertThat(variables.path("INFERBUS_TABLE").asText())
                        .isEqualTo(names.name(template.ofType("AWS::DynamoDB::Table").getFirst()));
                assertThat(variables.path("INFERBUS_BUS").asText()).isEqualTo("inferbus");
            }
        }
    }

    @Test
    void everyJavaFunctionRunsTheFunctionsZip() throws Exception {
        Path zip = root.resolve("functions/target/inferbus-functions-lambda-x86_64.zip");
        List<Resource> javaFunctions = template.ofType("AWS::Lambda::Function").stream()
                .filter(f -> f.property("Runtime").asText().equals("java21")).toList();
        assertThat(javaFunctions).isNotEmpty();
        for (Resource function : javaFunctions) {
            JsonNode code = intrinsics.resolve(function.logicalId(), "Code", function.property("Code"));
            FileAsset asset = assembly.fileAsset(code.path("S3Key").asText()).orElseThrow();
            assertThat(asset.packaging()).isEqualTo(FileAsset.Packaging.FILE);
            assertThat(Files.mismatch(asset.source(), zip)).as(function.logicalId()).isEqualTo(-1L);
        }
    }

    @Test
    void theBucketDeploymentCarriesTheModelsAndTheCatalog() {
        Resource deployment = template.ofType("Custom::CDKBucketDeployment").getFirst();
        List<Path> folders = new ArrayList<>();
        intrinsics.resolvedProperties(deployment).path("SourceObjectKeys")
                .forEach(key -> folders.add(assembly.assetForObjectKey(key.asText())));
        assertThat(folders).isNotEmpty().allSatisfy(folder -> assertThat(folder).isDirectory());
        assertThat(folders).anySatisfy(f -> assertThat(f.resolve("fraud-scorer/1/model.onnx")).isRegularFile());
        assertThat(folders).anySatisfy(f -> assertThat(f.resolve("catalog.yaml")).isRegularFile());
    }

    @Test
    void subWithAccountAndRegionResolves() {
        Resource function = firstJavaFunction();
        JsonNode bucket = intrinsics.resolve(function.logicalId(), "Code.S3Bucket", function.property("Code").path("S3Bucket"));
        assertThat(function.property("Code").path("S3Bucket").has("Fn::Sub")).isTrue();
        assertThat(bucket.asText()).isEqualTo("cdk-hnb659fds-assets-" + ACCOUNT + "-" + REGION);
    }

    @Test
    void theAliasQualifierCdkCutsOutOfTheAliasArnIsTheAliasName() {
        // CDK writes an EventInvokeConfig's Qualifier as Fn::Select [7, Fn::Split [":", Ref alias]].
        Resource config = template.ofType("AWS::Lambda::EventInvokeConfig").getFirst();
        assertThat(config.property("Qualifier").has("Fn::Select")).isTrue();
        assertThat(intrinsics.resolvedProperties(config).path("Qualifier").asText()).isEqualTo("live");
    }

    @Test
    void anAliasPointsAtTheFirstVersionOfItsFunction() {
        Resource alias = template.ofType("AWS::Lambda::Alias").getFirst();
        JsonNode resolved = intrinsics.resolvedProperties(alias);
        assertThat(resolved.path("FunctionVersion").asText()).isEqualTo("1");
        assertThat(names.ref(alias)).hasValue("arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:"
                + resolved.path("FunctionName").asText() + ":live");
    }

    @Test
    void anUnknownRefNamesTheResourceAndProperty() throws Exception {
        Resource function = firstJavaFunction();
        JsonNode ref = new ObjectMapper().readTree("{\"Ref\": \"Foo\"}");
        assertThatThrownBy(() -> intrinsics.resolve(function.logicalId(), "Environment.Variables.INFERBUS_TABLE", ref))
                .isInstanceOf(UnresolvableIntrinsic.class)
                .hasMessage(function.logicalId() + ".Environment.Variables.INFERBUS_TABLE: Ref to unknown resource Foo");
    }

    @Test
    void notEmulatedCountsWhatIsLeftOut() {
        String line = NotEmulated.line(template, Set.of("AWS::Lambda::Function", "AWS::SQS::Queue"));
        assertThat(line).startsWith("not emulated: AWS::CloudWatch::Alarm ×")
                .doesNotContain("AWS::Lambda::Function ×").doesNotContain("AWS::SQS::Queue ×");
    }

    @Test
    void unchangedInputsReuseTheLastSynth() throws Exception {
        Path log = out.resolve(Synthesizer.LOG_FILE);
        FileTime logged = Files.getLastModifiedTime(log);
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        long started = System.nanoTime();
        CloudAssembly again = Synthesizer.synthesize(root, out, new PrintStream(progress, true, StandardCharsets.UTF_8));
        long millis = (System.nanoTime() - started) / 1_000_000;

        // A synth is a child JVM driving node for seconds; hashing the inputs (~100 MB) takes a few hundred ms,
        // so 2 s tells the two apart even on a busy machine. The log's timestamp is the exact check.
        assertThat(millis).isLessThan(2000);
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("inputs unchanged");
        assertThat(Files.getLastModifiedTime(log)).isEqualTo(logged);   // no child JVM wrote to it
        assertThat(again.template().resources()).hasSameSizeAs(template.resources());
    }

    private static Resource firstJavaFunction() {
        return template.ofType("AWS::Lambda::Function").stream()
                .filter(f -> f.property("Runtime").asText().equals("java21")).findFirst().orElseThrow();
    }

    /** Paths of anything that still looks like an intrinsic (a one-key object whose key is Ref or Fn::*). */
    private static List<String> intrinsicsIn(JsonNode node, String path) {
        List<String> found = new ArrayList<>();
        if (node.isObject()) {
            node.properties().forEach(f -> {
                if (f.getKey().equals("Ref") || f.getKey().startsWith("Fn::")) {
                    found.add(path + "." + f.getKey());
                }
                found.addAll(intrinsicsIn(f.getValue(), path + "." + f.getKey()));
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                found.addAll(intrinsicsIn(node.get(i), path + "[" + i + "]"));
            }
        }
        return found;
    }
}
