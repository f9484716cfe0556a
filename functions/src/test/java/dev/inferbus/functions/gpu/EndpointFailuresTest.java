package dev.inferbus.functions.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.functions.batch.Outcome;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.sagemakerruntime.model.ModelErrorException;
import software.amazon.awssdk.services.sagemakerruntime.model.ModelNotReadyException;
import software.amazon.awssdk.services.sagemakerruntime.model.SageMakerRuntimeException;
import software.amazon.awssdk.services.sagemakerruntime.model.ServiceUnavailableException;
import software.amazon.awssdk.services.sagemakerruntime.model.ValidationErrorException;

class EndpointFailuresTest {

    @Test
    void throttlingOverloadAndTimeoutsPassSoTheRecordsAreRetried() {
        SageMakerRuntimeException throttled = (SageMakerRuntimeException) SageMakerRuntimeException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException").errorMessage("Rate exceeded").build()).build();

        assertThat(classify(throttled)).isInstanceOf(Outcome.Retry.class);
        assertThat(classify(SageMakerRuntimeException.builder().statusCode(429).build())).isInstanceOf(Outcome.Retry.class);
        assertThat(classify(ServiceUnavailableException.builder().statusCode(503).build())).isInstanceOf(Outcome.Retry.class);
        assertThat(classify(ModelNotReadyException.builder().statusCode(429).build())).isInstanceOf(Outcome.Retry.class);
        assertThat(classify(ApiCallTimeoutException.create(60_000))).isInstanceOf(Outcome.Retry.class);
        assertThat(classify(ModelErrorException.builder().statusCode(424).originalStatusCode(503).originalMessage("busy").build()))
                .isInstanceOf(Outcome.Retry.class);
    }

    @Test
    void theRequestsOwnFaultsFailItWithTheEndpointsReason() {
        Outcome validation = classify(ValidationErrorException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ValidationError").errorMessage("Endpoint e not found.").build()).build());
        Outcome model = classify(ModelErrorException.builder().statusCode(424).originalStatusCode(413).originalMessage("input too long").build());

        assertThat(validation).isEqualTo(new Outcome.Failed(ErrorCode.MODEL_ERROR, "endpoint e answered 400 ValidationError: Endpoint e not found."));
        assertThat(model).isEqualTo(new Outcome.Failed(ErrorCode.MODEL_ERROR, "endpoint e: the model's container answered 413: input too long"));
    }

    @Test
    void aTextTheContainerRefusesOnItsOwnFailsAsTooLargeOrInvalidWithTeisSentence() {
        String teiBody = "{\"error\":\"Input validation error: `inputs` must have less than 512 tokens. Given: 600\","
                + "\"error_type\":\"Validation\"}";

        assertThat(classifyText(containerAnswered(413, teiBody))).isEqualTo(new Outcome.Failed(ErrorCode.INPUT_TOO_LARGE,
                "endpoint e: the model's container answered 413: Input validation error: `inputs` must have less than 512 tokens. Given: 600"));
        assertThat(classifyText(containerAnswered(422, "{\"error\":\"tokenizer error\",\"error_type\":\"Tokenizer\"}")))
                .isEqualTo(new Outcome.Failed(ErrorCode.INVALID_INPUT, "endpoint e: the model's container answered 422: tokenizer error"));
        assertThat(classifyText(containerAnswered(400, "bad request"))).isInstanceOfSatisfying(Outcome.Failed.class,
                f -> assertThat(f.code()).isEqualTo(ErrorCode.MODEL_ERROR));
        assertThat(classifyText(containerAnswered(503, "busy"))).isInstanceOf(Outcome.Retry.class);
    }

    @Test
    void onlyTheContainersOwnRefusalsAreWorthASmallerCall() {
        assertThat(EndpointFailures.refusedByContainer(new CompletionException(containerAnswered(413, "too long")))).isTrue();
        assertThat(EndpointFailures.refusedByContainer(containerAnswered(400, "bad"))).isTrue();
        assertThat(EndpointFailures.refusedByContainer(containerAnswered(429, "slow down"))).isFalse();
        assertThat(EndpointFailures.refusedByContainer(containerAnswered(503, "busy"))).isFalse();
        assertThat(EndpointFailures.refusedByContainer(ValidationErrorException.builder().statusCode(400).build())).isFalse();
    }

    private static ModelErrorException containerAnswered(int status, String body) {
        return (ModelErrorException) ModelErrorException.builder().statusCode(424).originalStatusCode(status).originalMessage(body).build();
    }

    private static Outcome classifyText(Throwable e) {
        return EndpointFailures.classifyText(new CompletionException(e), "e");
    }

    private static Outcome classify(Throwable e) {
        return EndpointFailures.classify(new CompletionException(e), "e");
    }
}
