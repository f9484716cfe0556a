package dev.inferbus.local.lambda.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The X-Ray trace header an invocation hands the runtime: sampled where the function traces actively. */
class TraceHeaderTest {

    private static final String HEADER = "Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=";

    @Test
    void anActivelyTracedFunctionsInvocationIsSampledAndAPassThroughOneIsNot() {
        assertThat(ExecutionEnvironment.traceId(true)).matches(HEADER + "1");
        assertThat(ExecutionEnvironment.traceId(false)).matches(HEADER + "0");
        assertThat(ExecutionEnvironment.traceId(true)).isNotEqualTo(ExecutionEnvironment.traceId(true));
    }
}
