package dev.inferbus.local.iam.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inferbus.local.iam.AccessRequest;
import dev.inferbus.local.iam.Decision;
import dev.inferbus.local.iam.Principal;
import dev.inferbus.local.iam.gateway.sigv4.Refusal;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AccessLogTest {

    private static final Principal ROLE = Principal.roleSession("000000000000", "fn-role", "fn");
    private static final Decision ALLOWED = new Decision(Decision.Outcome.ALLOWED, "");
    private static final Decision DENIED = new Decision(Decision.Outcome.IMPLICIT_DENY, "because no identity-based policy allows it");

    private final AccessLog log = new AccessLog();

    @Test
    void countsFromManyThreadsAddUp() throws Exception {
        AccessRequest put = new AccessRequest(ROLE, "dynamodb:PutItem", "arn:aws:dynamodb:us-east-1:000000000000:table/results",
                Map.of());
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            IntStream.range(0, 4000).forEach(i -> pool.submit(() -> log.record(put, i % 4 == 0 ? DENIED : ALLOWED)));
        }

        assertThat(log.decisions()).containsExactly(Map.entry(ROLE.arn(),
                Map.of(new AccessLog.Grant(put.action(), put.resource()), new AccessLog.Counts(3000, 1000))));
        assertThat(log.denials()).containsExactly(Map.entry(DENIED.message(put), 1000L));
    }

    @Test
    void keepsABoundedNumberOfDistinctDenialsAndSaysHowManyMore() {
        IntStream.range(0, AccessLog.KEPT_DENIALS + 50).forEach(i ->
                log.record(new AccessRequest(ROLE, "s3:GetObject", "arn:aws:s3:::b/" + i, Map.of()), DENIED));
        log.refused(Refusal.SIGNATURE_MISMATCH);

        assertThat(log.denials()).hasSize(AccessLog.KEPT_DENIALS);
        assertThat(log.refusals()).isEqualTo(Map.of(Refusal.SIGNATURE_MISMATCH, 1L));
        assertThat(log.report())
                .contains(ROLE.arn(), "arn:aws:s3:::b/0  allowed 0, denied 1", "and 50 more",
                        "refused before authorization: {SIGNATURE_MISMATCH=1}");
    }
}
