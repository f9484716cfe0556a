package dev.inferbus.functions.gpu.generation;

import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.functions.batch.Outcome;
import dev.inferbus.functions.generation.Generation;
import dev.inferbus.functions.gpu.EndpointFailures;
import dev.inferbus.functions.gpu.MalformedPayloadException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InternalStreamFailureException;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointWithResponseStreamResponseHandler;
import software.amazon.awssdk.services.sagemakerruntime.model.ModelStreamErrorException;

/**
 * One generation streamed from a real-time endpoint with {@code InvokeEndpointWithResponseStream}: the payload
 * parts — arbitrary byte slices of the container's server-sent events (SageMaker API reference, PayloadPart,
 * ResponseStream) — become tokens for the request's {@link ProgressTracker}, and the stream's end its outcome.
 *
 * <p>Failures: a {@code ModelStreamError} (the container broke the stream or ran past SageMaker's time,
 * {@code ModelInvocationTimeExceeded} / {@code StreamBroken}) or an error the container wrote into the stream fail
 * the request with {@code MODEL_ERROR} and that code; an {@code InternalStreamFailure} ("try your request again")
 * is retried when no progress was published yet — a second stream would restart the sequence under events
 * already out — and fails as {@code UPSTREAM_ERROR} otherwise. A call refused before it streamed fails with the
 * code the format gives its container's refusal ({@link GenerationFormat#refusals}), else is sorted as any call.
 */
public final class StreamedGeneration {

    private final SageMakerRuntimeAsyncClient sageMaker;

    public StreamedGeneration(SageMakerRuntimeAsyncClient sageMaker) {
        this.sageMaker = sageMaker;
    }

    public CompletableFuture<Outcome> call(String endpoint, GenerationFormat format, byte[] body, ProgressTracker progress,
                                           Duration timeout) {
        SseEvents events = new SseEvents();
        StreamDecoder decoder = format.decoder();
        Failure failure = new Failure();
        long start = System.nanoTime();
        InvokeEndpointWithResponseStreamResponseHandler handler = InvokeEndpointWithResponseStreamResponseHandler.builder()
                .subscriber(InvokeEndpointWithResponseStreamResponseHandler.Visitor.builder()
                        .onPayloadPart(part -> failure.guard(() -> {
                            for (String data : events.accept(part.bytes().asByteArray())) {
                                decoder.accept(data).ifPresent(progress::token);
                            }
                        }))
                        .build())
                .build();
        return sageMaker.invokeEndpointWithResponseStream(b -> b.endpointName(endpoint).contentType(format.contentType())
                                .accept("text/event-stream").body(SdkBytes.fromByteArray(body))
                                .overrideConfiguration(o -> o.apiCallTimeout(timeout)), handler)
                .handle((done, error) -> {
                    if (error == null) {
                        failure.guard(() -> {
                            for (String data : events.finish()) {
                                decoder.accept(data).ifPresent(progress::token);
                            }
                        });
                    }
                    return outcome(endpoint, format, error, failure, decoder, progress, (System.nanoTime() - start) / 1e6);
                })
                // the completion's row and event follow the request's last progress event
                .thenCompose(outcome -> progress.drained().thenApply(v -> outcome));
    }

    private static Outcome outcome(String endpoint, GenerationFormat format, Throwable error, Failure failure, StreamDecoder decoder,
                                   ProgressTracker progress,
                                   double millis) {
        if (failure.message != null) {
            return new Outcome.Failed(ErrorCode.MODEL_ERROR, "endpoint " + endpoint + "'s stream: " + failure.message);
        }
        if (error != null) {
            Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (e instanceof ModelStreamErrorException stream) {
                return new Outcome.Failed(ErrorCode.MODEL_ERROR, "endpoint " + endpoint + "'s stream failed: ModelStreamError "
                        + stream.errorCode() + ": " + stream.awsErrorDetails().errorMessage());
            }
            if (e instanceof InternalStreamFailureException) {
                String reason = "endpoint " + endpoint + "'s stream failed: InternalStreamFailure";
                return progress.published() == 0 ? new Outcome.Retry(reason)
                        : new Outcome.Failed(ErrorCode.UPSTREAM_ERROR, reason + " after " + progress.published() + " progress events");
            }
            return EndpointFailures.refusal(e, endpoint, format.refusals());
        }
        try {
            Generation generation = decoder.end();
            return new Outcome.Scored(generation.output(), millis);
        } catch (MalformedPayloadException e) {
            return new Outcome.Failed(ErrorCode.MODEL_ERROR, "endpoint " + endpoint + " answered what inferbus cannot read: "
                    + e.getMessage());
        }
    }

    /** The first thing wrong with the stream's content; what follows it is not read. */
    private static final class Failure {
        private volatile String message;

        void guard(Step step) {
            if (message != null) {
                return;
            }
            try {
                step.run();
            } catch (StreamDecoder.ContainerStreamError e) {
                message = "the container failed mid-stream: " + e.getMessage();
            } catch (MalformedPayloadException e) {
                message = "unreadable stream: " + e.getMessage();
            }
        }
    }

    private interface Step {
        void run() throws MalformedPayloadException, StreamDecoder.ContainerStreamError;
    }
}
