package dev.inferbus.local.tracing;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an OTLP {@code ExportTraceServiceRequest} (the body of {@code POST /v1/traces} with
 * {@code Content-Type: application/x-protobuf}, https://opentelemetry.io/docs/specs/otlp/#otlphttp) field by field
 * on protobuf's wire reader, by the field numbers of opentelemetry-proto's {@code trace.proto}, {@code resource.proto}
 * and {@code common.proto}. Only what a waterfall needs is kept; every other field is skipped, as protobuf readers skip
 * unknown fields, so newer exporters stay readable. (The generated classes of opentelemetry-proto would need a
 * protobuf runtime other than the one this module already resolves.)
 */
final class OtlpTraces {

    private static final HexFormat HEX = HexFormat.of();

    private OtlpTraces() {
    }

    static List<SpanRecord> read(byte[] body) throws IOException {
        List<SpanRecord> spans = new ArrayList<>();
        CodedInputStream request = CodedInputStream.newInstance(body);
        for (int tag; (tag = request.readTag()) != 0; ) {
            if (field(tag) == 1) {
                resourceSpans(request.readByteArray(), spans);
            } else {
                request.skipField(tag);
            }
        }
        return spans;
    }

    /** ResourceSpans: 1 resource, 2 scope_spans. */
    private static void resourceSpans(byte[] bytes, List<SpanRecord> spans) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        Map<String, String> resource = Map.of();
        List<byte[]> scopes = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (field(tag)) {
                case 1 -> resource = attributesOf(in.readByteArray(), 1);
                case 2 -> scopes.add(in.readByteArray());
                default -> in.skipField(tag);
            }
        }
        String service = resource.getOrDefault("service.name", "unknown");
        for (byte[] scope : scopes) {
            CodedInputStream scopeSpans = CodedInputStream.newInstance(scope);
            for (int tag; (tag = scopeSpans.readTag()) != 0; ) {
                if (field(tag) == 2) {
                    spans.add(span(service, scopeSpans.readByteArray()));
                } else {
                    scopeSpans.skipField(tag);
                }
            }
        }
    }

    /** Span: 1 trace_id, 2 span_id, 4 parent_span_id, 5 name, 7 start, 8 end, 9 attributes, 13 links. */
    private static SpanRecord span(String service, byte[] bytes) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        String traceId = "";
        String spanId = "";
        String parent = "";
        String name = "";
        long start = 0;
        long end = 0;
        Map<String, String> attributes = new LinkedHashMap<>();
        List<String> links = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (field(tag)) {
                case 1 -> traceId = HEX.formatHex(in.readByteArray());
                case 2 -> spanId = HEX.formatHex(in.readByteArray());
                case 4 -> parent = HEX.formatHex(in.readByteArray());
                case 5 -> name = in.readString();
                case 7 -> start = in.readFixed64();
                case 8 -> end = in.readFixed64();
                case 9 -> keyValue(in.readByteArray(), attributes);
                case 13 -> links.add(link(in.readByteArray()));
                default -> in.skipField(tag);
            }
        }
        return new SpanRecord(service, traceId, spanId, parent, name, start, end, attributes, links);
    }

    /** Link: 1 trace_id, 2 span_id. */
    private static String link(byte[] bytes) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        String traceId = "";
        String spanId = "";
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (field(tag)) {
                case 1 -> traceId = HEX.formatHex(in.readByteArray());
                case 2 -> spanId = HEX.formatHex(in.readByteArray());
                default -> in.skipField(tag);
            }
        }
        return traceId + "/" + spanId;
    }

    /** The KeyValues at {@code field} of a message (Resource.attributes is field 1). */
    private static Map<String, String> attributesOf(byte[] bytes, int field) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        Map<String, String> attributes = new LinkedHashMap<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            if (field(tag) == field) {
                keyValue(in.readByteArray(), attributes);
            } else {
                in.skipField(tag);
            }
        }
        return attributes;
    }

    /** KeyValue: 1 key, 2 value; AnyValue: 1 string, 2 bool, 3 int, 4 double; other kinds are left out. */
    private static void keyValue(byte[] bytes, Map<String, String> into) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        String key = null;
        String value = null;
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (field(tag)) {
                case 1 -> key = in.readString();
                case 2 -> value = anyValue(in.readByteArray());
                default -> in.skipField(tag);
            }
        }
        if (key != null && value != null) {
            into.put(key, value);
        }
    }

    private static String anyValue(byte[] bytes) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        String value = null;
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (field(tag)) {
                case 1 -> value = in.readString();
                case 2 -> value = Boolean.toString(in.readBool());
                case 3 -> value = Long.toString(in.readInt64());
                case 4 -> value = Double.toString(in.readDouble());
                default -> in.skipField(tag);
            }
        }
        return value;
    }

    private static int field(int tag) {
        return WireFormat.getTagFieldNumber(tag);
    }
}
