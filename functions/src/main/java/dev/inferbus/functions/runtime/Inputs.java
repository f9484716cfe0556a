package dev.inferbus.functions.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.events.contract.EventCodec;
import java.util.Iterator;
import java.util.Set;

/** Checks on an {@code input} object shared by the tasks; every failure names the JSON pointer it is about. */
final class Inputs {

    private Inputs() {
    }

    /** The input is an object holding exactly the named fields. */
    static void requireFields(JsonNode input, String pointer, Set<String> fields) throws InvalidInputException {
        if (input == null || !input.isObject()) {
            throw InvalidInputException.invalid(pointer + ": expected an object with " + fields + ", got " + EventCodec.describe(input));
        }
        for (String field : fields) {
            if (!input.has(field)) {
                throw InvalidInputException.invalid(pointer + "/" + field + ": required");
            }
        }
        for (Iterator<String> names = input.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw InvalidInputException.invalid(pointer + "/" + escape(name) + ": unexpected field (expected only " + fields + ")");
            }
        }
    }

    /** A JSON number that fits a float tensor. */
    static float finiteFloat(JsonNode value, String pointer) throws InvalidInputException {
        if (value == null || !value.isNumber()) {
            throw InvalidInputException.invalid(pointer + ": expected a number, got " + EventCodec.describe(value));
        }
        float f = value.floatValue();
        if (!Float.isFinite(f)) {
            throw InvalidInputException.invalid(pointer + ": expected a finite number within float range, got a number outside it");
        }
        return f;
    }

    /** Escapes a key for use as a JSON pointer token (RFC 6901). */
    static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
