package dev.inferbus.events.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointSpecTest {

    @ParameterizedTest(name = "maxConcurrency {0}")
    @ValueSource(ints = {2, 3, 4, 5, 7, 10, 99, 1000})
    void splitsTheEndpointsBudgetSoThatNoLoadExceedsIt(int maxConcurrency) {
        EndpointSpec spec = EndpointSpec.builder("e", EndpointSpec.Mode.REALTIME, EndpointSpec.Format.HF_TEI)
                .maxConcurrency(maxConcurrency).build();

        assertThat(spec.eventSourceConcurrency()).isBetween(2, 1000);
        assertThat(spec.callsPerInvocation()).isPositive();
        assertThat(spec.callsPerInvocation() * spec.eventSourceConcurrency()).isLessThanOrEqualTo(maxConcurrency);
        // and little of the budget is left unused
        assertThat(spec.callsPerInvocation() * spec.eventSourceConcurrency()).isGreaterThanOrEqualTo(maxConcurrency - 1);
    }
}
