package dev.inferbus.functions.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.contract.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Bad events, enumerated by what is wrong with them: each with the error code it must fail with and the JSON
 * pointer its message must name. Built from three valid events by one change each.
 */
final class BadInputCorpus {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> FEATURES = List.of(
            "amount", "hour", "merchantRisk", "distanceKm", "txnLast24h", "cardAgeDays", "foreign", "online");

    /** @param body the SQS record body (an EventBridge event, or something that fails to be one) */
    record Case(String name, String body, ErrorCode code, String pointer) {
    }

    private final List<Case> cases = new ArrayList<>();

    static ObjectNode fraudEvent(String requestId) {
        ObjectNode event = envelope();
        ObjectNode detail = event.putObject("detail").put("requestId", requestId).put("model", "fraud-scorer");
        ObjectNode features = detail.putObject("input").putObject("features");
        double[] values = {42.5, 14, 0.05, 3.2, 2, 1460, 0, 0};
        for (int i = 0; i < FEATURES.size(); i++) {
            features.put(FEATURES.get(i), values[i]);
        }
        return event;
    }

    static ObjectNode sensorEvent(String requestId) {
        ObjectNode event = envelope();
        ObjectNode detail = event.putObject("detail").put("requestId", requestId).put("model", "sensor-anomaly");
        ArrayNode readings = detail.putObject("input").putArray("readings");
        for (int t = 0; t < 64; t++) {
            readings.add(Math.sin(2 * Math.PI * 4 * t / 64));
        }
        return event;
    }

    static ObjectNode textEvent(String requestId, String text) {
        ObjectNode event = envelope();
        event.putObject("detail").put("requestId", requestId).put("model", "sentence-embedder").putObject("input").put("text", text);
        return event;
    }

    private static ObjectNode envelope() {
        return JSON.createObjectNode().put("version", "0").put("id", "corpus-event").put("detail-type", "InferenceRequested")
                .put("source", "corpus").put("account", "000000000000").put("time", "2026-11-22T00:00:00Z").put("region", "us-east-1");
    }

    private void add(String name, ObjectNode base, Consumer<ObjectNode> change, ErrorCode code, String pointer) {
        ObjectNode event = base.deepCopy();
        change.accept(event);
        cases.add(new Case(name, event.toString(), code, pointer));
    }

    private void raw(String name, String body, ErrorCode code, String pointer) {
        cases.add(new Case(name, body, code, pointer));
    }

    private static ObjectNode detail(ObjectNode event) {
        return (ObjectNode) event.get("detail");
    }

    static List<Case> build() {
        BadInputCorpus c = new BadInputCorpus();
        String good = fraudEvent("bad-x").toString();
        // malformed JSON
        String[] malformed = {good.substring(0, good.length() / 2), good.replace("}}", "},}"), good.replace('"', '\''),
                good.replace("42.5", "NaN"), good.replace("42.5", "Infinity"), good.replace("\"model\"", "model"),
                "", "null", "[]", "42", "\"just a string\"", "{", "}{", good + "}"};
        for (int i = 0; i < malformed.length; i++) {
            c.raw("malformed-json-" + i, malformed[i], ErrorCode.INVALID_EVENT, "/");
        }
        // wrong envelope
        ObjectNode base = fraudEvent("bad-env");
        c.add("detail-type-other", base, e -> e.put("detail-type", "OrderPlaced"), ErrorCode.INVALID_EVENT, "/detail-type");
        c.add("detail-type-number", base, e -> e.put("detail-type", 7), ErrorCode.INVALID_EVENT, "/detail-type");
        c.add("detail-missing", base, e -> e.remove("detail"), ErrorCode.INVALID_EVENT, "/detail");
        c.add("detail-array", base, e -> e.putArray("detail"), ErrorCode.INVALID_EVENT, "/detail");
        c.add("detail-string", base, e -> e.put("detail", "{}"), ErrorCode.INVALID_EVENT, "/detail");
        c.add("time-invalid", base, e -> e.put("time", "yesterday"), ErrorCode.INVALID_EVENT, "/time");
        // requestId
        String[] badIds = {"", "x".repeat(129), "has space", "has/slash", "ünïcode", "emoji-😀", "tab\tid", "semi;colon", "quote\"id",
                "a b", "x\ny", "id#1", "id@1", "id%20", "id,1", "ид", "id+1", "(id)", "id*"};
        for (int i = 0; i < badIds.length; i++) {
            String id = badIds[i];
            c.add("request-id-" + i, base, e -> detail(e).put("requestId", id), ErrorCode.INVALID_EVENT, "/detail/requestId");
        }
        c.add("request-id-missing", base, e -> detail(e).remove("requestId"), ErrorCode.INVALID_EVENT, "/detail/requestId");
        c.add("request-id-number", base, e -> detail(e).put("requestId", 12), ErrorCode.INVALID_EVENT, "/detail/requestId");
        c.add("request-id-null", base, e -> detail(e).putNull("requestId"), ErrorCode.INVALID_EVENT, "/detail/requestId");
        c.add("request-id-array", base, e -> detail(e).putArray("requestId").add("a"), ErrorCode.INVALID_EVENT, "/detail/requestId");
        // model and version
        c.add("model-missing", base, e -> detail(e).remove("model"), ErrorCode.INVALID_EVENT, "/detail/model");
        c.add("model-number", base, e -> detail(e).put("model", 3), ErrorCode.INVALID_EVENT, "/detail/model");
        c.add("model-upper", base, e -> detail(e).put("model", "FRAUD-SCORER"), ErrorCode.INVALID_EVENT, "/detail/model");
        for (String unknown : new String[] {"gpt-7", "fraud-scorer-v2", "sentence", "x", "document-embedder-2"}) {
            c.add("model-unknown-" + unknown, base, e -> detail(e).put("model", unknown), ErrorCode.UNKNOWN_MODEL, "/detail/model");
        }
        for (String version : new String[] {"3", "9", "1.0", "latest"}) {
            c.add("version-" + version, base, e -> detail(e).put("version", version), ErrorCode.UNKNOWN_MODEL, "/detail/version");
        }
        c.add("version-bad-charset", base, e -> detail(e).put("version", "v 1!"), ErrorCode.INVALID_EVENT, "/detail/version");
        // input / inputRef
        c.add("both-input-and-ref", base, e -> detail(e).put("inputRef", "s3://b/k"), ErrorCode.INVALID_EVENT, "/detail/input");
        c.add("neither-input-nor-ref", base, e -> detail(e).remove("input"), ErrorCode.INVALID_EVENT, "/detail/input");
        for (String ref : new String[] {"https://example.com/x.json", "ftp://b/k", "s3://", "s3://bucket", "s3://bucket/", "", "S3://b/k",
                "file:///etc/passwd", "s3:/b/k", "s3//b/k", "http://169.254.169.254/latest/meta-data"}) {
            c.add("input-ref-" + ref.replaceAll("[^a-z0-9]", "_"), base, e -> {
                detail(e).remove("input");
                detail(e).put("inputRef", ref);
            }, ErrorCode.INVALID_EVENT, "/detail/inputRef");
        }
        c.add("input-not-object", base, e -> detail(e).put("input", "features"), ErrorCode.INVALID_EVENT, "/detail/input");
        // fraud features: wrong types, huge numbers, missing, extra
        for (String feature : FEATURES) {
            String at = "/detail/input/features/" + feature;
            c.add(feature + "-string", base, e -> features(e).put(feature, "lots"), ErrorCode.INVALID_INPUT, at);
            c.add(feature + "-nan-string", base, e -> features(e).put(feature, "NaN"), ErrorCode.INVALID_INPUT, at);
            c.add(feature + "-bool", base, e -> features(e).put(feature, true), ErrorCode.INVALID_INPUT, at);
            c.add(feature + "-null", base, e -> features(e).putNull(feature), ErrorCode.INVALID_INPUT, at);
            c.add(feature + "-array", base, e -> features(e).putArray(feature).add(1), ErrorCode.INVALID_INPUT, at);
            c.add(feature + "-object", base, e -> features(e).putObject(feature).put("v", 1), ErrorCode.INVALID_INPUT, at);
            c.add(feature + "-overflow", base, e -> features(e).put(feature, 1e39), ErrorCode.INVALID_INPUT, at);
            c.add(feature + "-huge", base, e -> features(e).put(feature, -1e308), ErrorCode.INVALID_INPUT, at);
            c.add(feature + "-missing", base, e -> features(e).remove(feature), ErrorCode.INVALID_INPUT, at);
        }
        for (String extra : new String[] {"colour", "amount2", "AMOUNT"}) {
            c.add("feature-extra-" + extra, base, e -> features(e).put(extra, 1), ErrorCode.INVALID_INPUT, "/detail/input/features/" + extra);
        }
        c.add("features-empty", base, e -> detail(e).putObject("input").putObject("features"), ErrorCode.INVALID_INPUT, "/detail/input/features/amount");
        c.add("features-array", base, e -> detail(e).putObject("input").putArray("features"), ErrorCode.INVALID_INPUT, "/detail/input/features");
        c.add("input-extra-field", base, e -> ((ObjectNode) detail(e).get("input")).put("note", "x"), ErrorCode.INVALID_INPUT, "/detail/input/note");
        // sensor windows
        ObjectNode sensor = sensorEvent("bad-sensor");
        for (int length : new int[] {0, 1, 63, 65, 1000}) {
            c.add("window-length-" + length, sensor, e -> {
                ArrayNode r = ((ObjectNode) detail(e).get("input")).putArray("readings");
                for (int t = 0; t < length; t++) {
                    r.add(0.1);
                }
            }, ErrorCode.INVALID_INPUT, "/detail/input/readings");
        }
        for (int position : new int[] {0, 5, 17, 31, 32, 48, 62, 63}) {
            c.add("reading-string-" + position, sensor, e -> readings(e).set(position, JSON.getNodeFactory().textNode("x")), ErrorCode.INVALID_INPUT, "/detail/input/readings/" + position);
            c.add("reading-null-" + position, sensor, e -> readings(e).set(position, JSON.getNodeFactory().nullNode()), ErrorCode.INVALID_INPUT, "/detail/input/readings/" + position);
            c.add("reading-overflow-" + position, sensor, e -> readings(e).set(position, JSON.getNodeFactory().numberNode(1e300)), ErrorCode.INVALID_INPUT, "/detail/input/readings/" + position);
            c.add("reading-object-" + position, sensor, e -> readings(e).set(position, JSON.createObjectNode()), ErrorCode.INVALID_INPUT, "/detail/input/readings/" + position);
        }
        c.add("readings-string", sensor, e -> ((ObjectNode) detail(e).get("input")).put("readings", "1,2,3"), ErrorCode.INVALID_INPUT, "/detail/input/readings");
        c.add("readings-missing", sensor, e -> ((ObjectNode) detail(e).get("input")).remove("readings"), ErrorCode.INVALID_INPUT, "/detail/input/readings");
        // texts
        ObjectNode text = textEvent("bad-text", "hello");
        c.add("text-empty", text, e -> ((ObjectNode) detail(e).get("input")).put("text", ""), ErrorCode.INVALID_INPUT, "/detail/input/text");
        c.add("text-blank", text, e -> ((ObjectNode) detail(e).get("input")).put("text", " \t\n "), ErrorCode.INVALID_INPUT, "/detail/input/text");
        c.add("text-number", text, e -> ((ObjectNode) detail(e).get("input")).put("text", 5), ErrorCode.INVALID_INPUT, "/detail/input/text");
        c.add("text-null", text, e -> ((ObjectNode) detail(e).get("input")).putNull("text"), ErrorCode.INVALID_INPUT, "/detail/input/text");
        c.add("text-array", text, e -> ((ObjectNode) detail(e).get("input")).putArray("text").add("a"), ErrorCode.INVALID_INPUT, "/detail/input/text");
        c.add("text-over-max-chars", text, e -> ((ObjectNode) detail(e).get("input")).put("text", "word ".repeat(1000)), ErrorCode.INPUT_TOO_LARGE, "/detail/input/text");
        c.add("text-1mb", text, e -> ((ObjectNode) detail(e).get("input")).put("text", "x".repeat(1024 * 1024)), ErrorCode.INPUT_TOO_LARGE, "/detail/input");
        c.add("event-over-256kb", base, e -> ((ObjectNode) detail(e).get("input")).put("padding", "p".repeat(300 * 1024)), ErrorCode.INPUT_TOO_LARGE, "/detail/input");
        // nesting, attributes, trace context
        for (int depth : new int[] {70, 500, 5000}) {
            String nested = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
            c.raw("nested-" + depth, good.replace("\"features\":{", "\"deep\":" + nested + ",\"features\":{"), ErrorCode.INVALID_EVENT, "/");
        }
        c.add("attributes-over-2kb", base, e -> {
            ObjectNode a = detail(e).putObject("attributes");
            for (int i = 0; i < 20; i++) {
                a.put("k" + i, "v".repeat(150));
            }
        }, ErrorCode.INVALID_EVENT, "/detail/attributes");
        c.add("attributes-number-value", base, e -> detail(e).putObject("attributes").put("k", 1), ErrorCode.INVALID_EVENT, "/detail/attributes/k");
        c.add("attributes-too-many", base, e -> {
            ObjectNode a = detail(e).putObject("attributes");
            for (int i = 0; i < 40; i++) {
                a.put("k" + i, "v");
            }
        }, ErrorCode.INVALID_EVENT, "/detail/attributes");
        c.add("traceparent-bad", base, e -> detail(e).put("traceparent", "not-a-trace"), ErrorCode.INVALID_EVENT, "/detail/traceparent");
        c.add("partition-key-empty", base, e -> detail(e).put("partitionKey", ""), ErrorCode.INVALID_EVENT, "/detail/partitionKey");
        c.add("unknown-detail-field", base, e -> detail(e).put("colour", "red"), ErrorCode.INVALID_EVENT, "/detail/colour");
        // java.util.regex's $ also matches before a final line terminator: each pattern-checked field must refuse one
        for (String end : new String[] {"\n", "\r", "\u2028"}) {
            String tag = Integer.toHexString(end.charAt(0));
            c.add("request-id-trailing-" + tag, base, e -> detail(e).put("requestId", "abc" + end), ErrorCode.INVALID_EVENT, "/detail/requestId");
            c.add("model-trailing-" + tag, base, e -> detail(e).put("model", "fraud-scorer" + end), ErrorCode.INVALID_EVENT, "/detail/model");
            c.add("version-trailing-" + tag, base, e -> detail(e).put("version", "1" + end), ErrorCode.INVALID_EVENT, "/detail/version");
            c.add("input-ref-trailing-" + tag, base, e -> {
                detail(e).remove("input");
                detail(e).put("inputRef", "s3://bucket-a/in/x.json" + end);
            }, ErrorCode.INVALID_EVENT, "/detail/inputRef");
            c.add("traceparent-trailing-" + tag, base, e -> detail(e).put("traceparent",
                    "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" + end), ErrorCode.INVALID_EVENT, "/detail/traceparent");
        }
        // envelope times beyond RFC 3339's four-digit years overflowed epoch milliseconds downstream
        c.add("time-year-300000000", base, e -> e.put("time", "+300000000-01-01T00:00:00Z"), ErrorCode.INVALID_EVENT, "/time");
        c.add("time-year-10000", base, e -> e.put("time", "+10000-01-01T00:00:00Z"), ErrorCode.INVALID_EVENT, "/time");
        c.add("time-negative-year", base, e -> e.put("time", "-300000000-01-01T00:00:00Z"), ErrorCode.INVALID_EVENT, "/time");
        c.add("time-number", base, e -> e.put("time", 1_700_000_000L), ErrorCode.INVALID_EVENT, "/time");
        // a key given twice means whatever the reader picks
        c.raw("duplicate-request-id", good.replace("\"requestId\":\"bad-x\"", "\"requestId\":\"bad-x\",\"requestId\":\"bad-y\""),
                ErrorCode.INVALID_EVENT, "/detail/requestId");
        c.raw("duplicate-feature", good.replace("\"amount\":42.5", "\"amount\":42.5,\"amount\":1"), ErrorCode.INVALID_EVENT,
                "/detail/input/features/amount");
        // unpaired UTF-16 surrogates are not text: strict parsers downstream refuse them
        String hello = textEvent("bad-surrogate", "hello").toString();
        c.raw("text-lone-high-surrogate", hello.replace("hello", "he\\ud800llo"), ErrorCode.INVALID_INPUT, "/detail/input/text");
        c.raw("text-lone-low-surrogate", hello.replace("hello", "\\udc00hello"), ErrorCode.INVALID_INPUT, "/detail/input/text");
        c.raw("text-reversed-pair", hello.replace("hello", "hello\\udc00\\ud800"), ErrorCode.INVALID_INPUT, "/detail/input/text");
        c.raw("attribute-lone-surrogate", good.replace("\"model\":", "\"attributes\":{\"k\":\"x\\ud800\"},\"model\":"),
                ErrorCode.INVALID_EVENT, "/detail/attributes/k");
        // claim checks are read from the input prefix only
        for (String key : new String[] {"models/fraud-scorer/1/model.onnx", "results/x.json", "async-out/x.out", "inx/a.json", "IN/a.json"}) {
            c.add("input-ref-outside-" + key.replaceAll("[^a-z0-9]", "_"), base, e -> {
                detail(e).remove("input");
                detail(e).put("inputRef", "s3://bucket-a/" + key);
            }, ErrorCode.INVALID_EVENT, "/detail/inputRef");
        }
        return List.copyOf(c.cases);
    }

    private static ObjectNode features(ObjectNode event) {
        return (ObjectNode) detail(event).get("input").get("features");
    }

    private static ArrayNode readings(ObjectNode event) {
        return (ArrayNode) detail(event).get("input").get("readings");
    }
}
