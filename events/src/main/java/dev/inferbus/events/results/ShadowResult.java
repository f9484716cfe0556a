package dev.inferbus.events.results;

import dev.inferbus.events.compare.Agreement;
import dev.inferbus.events.contract.ErrorCode;

/**
 * What a model's shadow version made of a request the live version served: kept on the live row, never a result of
 * its own and never announced, so consumers see exactly what they would without the shadow.
 *
 * @param version the shadow version
 * @param output the shadow's output JSON; null when it failed, or when it would not fit beside the live output
 * @param agreement how the shadow's output agrees with the live one; null when it failed
 * @param errorCode why the shadow failed (the live result stands regardless); null when it scored
 */
public record ShadowResult(String version, String output, Agreement agreement, ErrorCode errorCode, String errorMessage) {

    public ShadowResult {
        if ((agreement == null) == (errorCode == null)) {
            throw new IllegalArgumentException("a shadow result either agrees to some measure or failed, not both or neither");
        }
    }

    public static ShadowResult scored(String version, String output, Agreement agreement) {
        return new ShadowResult(version, output, agreement, null, null);
    }

    public static ShadowResult failed(String version, ErrorCode code, String message) {
        return new ShadowResult(version, null, null, code, message);
    }

    public boolean isFailed() {
        return errorCode != null;
    }
}
