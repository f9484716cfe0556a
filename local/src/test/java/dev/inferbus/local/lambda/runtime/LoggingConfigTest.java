package dev.inferbus.local.lambda.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the runtime learns of a function's LoggingConfig, and the configurations Lambda refuses. */
class LoggingConfigTest {

    @Test
    void jsonReachesTheRuntimeWithItsLevelAndInfoByDefault() {
        assertThat(new LoggingConfig("JSON", "WARN").environment())
                .isEqualTo(Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON", "AWS_LAMBDA_LOG_LEVEL", "WARN"));
        assertThat(new LoggingConfig("JSON", null).environment()).containsEntry("AWS_LAMBDA_LOG_LEVEL", "INFO");
        assertThat(LoggingConfig.TEXT.environment()).isEmpty();
    }

    @Test
    void aLevelWithoutJsonAndUnknownValuesAreRefused() {
        assertThatThrownBy(() -> new LoggingConfig("Text", "DEBUG")).hasMessageContaining("needs LogFormat JSON");
        assertThatThrownBy(() -> new LoggingConfig("XML", null)).hasMessageContaining("neither JSON nor Text");
        assertThatThrownBy(() -> new LoggingConfig("JSON", "VERBOSE")).hasMessageContaining("not one of");
    }

    @Test
    void aFunctionMayNotSetTheVariablesLambdaSetsFromIt() {
        assertThat(FunctionDefinition.RESERVED).contains("AWS_LAMBDA_LOG_FORMAT", "AWS_LAMBDA_LOG_LEVEL");
    }
}
