package dev.inferbus.functions.tracing;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;

/**
 * The SDK's default parent-based sampling, except that a span linking to a sampled span is sampled too. A batch span
 * is a child of the invocation, whose X-Ray header Lambda samples on its own (not at all without active tracing),
 * yet it is a stage of every request it links to: a sampled request must see its tensor batch and its write.
 *
 * <p>An AWS call's CLIENT span with neither parent nor link is dropped: a call made outside any invocation (init's
 * catalog read, a benchmark) serves no request, and alone in a trace of its own it would only clutter X-Ray.
 */
final class LinkedSampler implements Sampler {

    private static final Sampler PARENT_BASED = Sampler.parentBased(Sampler.alwaysOn());

    @Override
    public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind, Attributes attributes,
                                       List<LinkData> parentLinks) {
        if (parentLinks.stream().anyMatch(link -> link.getSpanContext().isSampled())) {
            return SamplingResult.recordAndSample();
        }
        if (spanKind == SpanKind.CLIENT && parentLinks.isEmpty() && !Span.fromContext(parentContext).getSpanContext().isValid()) {
            return SamplingResult.drop();
        }
        return PARENT_BASED.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
    }

    @Override
    public String getDescription() {
        return "LinkedSampler{" + PARENT_BASED.getDescription() + "}";
    }
}
