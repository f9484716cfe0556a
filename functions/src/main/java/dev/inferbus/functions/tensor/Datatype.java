package dev.inferbus.functions.tensor;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo.OnnxTensorType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.functions.runtime.InvalidInputException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * The tensor element types of the KServe v2 inference protocol ("Tensor Data Types": BOOL, UINT8..UINT64,
 * INT8..INT64, FP16, FP32, FP64, BYTES; https://kserve.github.io/website/docs/concepts/architecture/data-plane/v2-protocol),
 * each with the ONNX element type it is and how one element reads from and writes to JSON. Numeric elements live
 * in a native-order byte buffer of {@link #bytes()} each, as ONNX Runtime takes and gives them.
 */
public enum Datatype {
    BOOL(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL, OnnxJavaType.BOOL, 1),
    UINT8(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8, OnnxJavaType.UINT8, 1),
    // ONNX Runtime's Java API creates no unsigned tensors wider than a byte: these pass to an endpoint, a cpu model
    // declaring one cannot be fed
    UINT16(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16, null, 2),
    UINT32(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32, null, 4),
    UINT64(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64, null, 8),
    INT8(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8, OnnxJavaType.INT8, 1),
    INT16(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16, OnnxJavaType.INT16, 2),
    INT32(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32, OnnxJavaType.INT32, 4),
    INT64(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64, OnnxJavaType.INT64, 8),
    FP16(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16, OnnxJavaType.FLOAT16, 2),
    FP32(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, OnnxJavaType.FLOAT, 4),
    FP64(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE, OnnxJavaType.DOUBLE, 8),
    /** Strings; their elements are kept as a {@code String[]}, not in a buffer. */
    BYTES(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING, OnnxJavaType.STRING, 0);

    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private final OnnxTensorType onnx;
    private final OnnxJavaType javaType;
    private final int bytes;

    Datatype(OnnxTensorType onnx, OnnxJavaType javaType, int bytes) {
        this.onnx = onnx;
        this.javaType = javaType;
        this.bytes = bytes;
    }

    /** The KServe name of an ONNX element type; empty for one KServe has no name for (bfloat16, complex). */
    public static Optional<Datatype> ofOnnx(OnnxTensorType type) {
        return Arrays.stream(values()).filter(d -> d.onnx == type).findFirst();
    }

    public static Optional<Datatype> named(String name) {
        return Arrays.stream(values()).filter(d -> d.name().equals(name)).findFirst();
    }

    /** The type ONNX Runtime's Java API creates a tensor of; empty when it cannot. */
    public Optional<OnnxJavaType> javaType() {
        return Optional.ofNullable(javaType);
    }

    /** Bytes per element in a buffer; 0 for BYTES, whose elements are strings. */
    public int bytes() {
        return bytes;
    }

    /** Appends one JSON element to {@code out}; refuses a value of another kind or outside the type's range. */
    void read(JsonNode value, ByteBuffer out, String pointer) throws InvalidInputException {
        switch (this) {
            case BOOL -> {
                if (!value.isBoolean()) {
                    throw expected("true or false", value, pointer);
                }
                out.put((byte) (value.booleanValue() ? 1 : 0));
            }
            case UINT8 -> out.put((byte) integer(value, 0, 0xFF, pointer));
            case UINT16 -> out.putShort((short) integer(value, 0, 0xFFFF, pointer));
            case UINT32 -> out.putInt((int) integer(value, 0, 0xFFFF_FFFFL, pointer));
            case UINT64 -> {
                if (!value.isIntegralNumber() || value.bigIntegerValue().signum() < 0
                        || value.bigIntegerValue().compareTo(UINT64_MAX) > 0) {
                    throw expected("an integer 0.." + UINT64_MAX, value, pointer);
                }
                out.putLong(value.bigIntegerValue().longValue());
            }
            case INT8 -> out.put((byte) integer(value, Byte.MIN_VALUE, Byte.MAX_VALUE, pointer));
            case INT16 -> out.putShort((short) integer(value, Short.MIN_VALUE, Short.MAX_VALUE, pointer));
            case INT32 -> out.putInt((int) integer(value, Integer.MIN_VALUE, Integer.MAX_VALUE, pointer));
            case INT64 -> out.putLong(integer(value, Long.MIN_VALUE, Long.MAX_VALUE, pointer));
            case FP16 -> {
                float f = (float) finite(value, pointer);
                short half = Float.floatToFloat16(f);
                if (!Float.isFinite(Float.float16ToFloat(half))) {
                    throw InvalidInputException.invalid(pointer + ": a FP16 element must be within ±65504, got a number outside it");
                }
                out.putShort(half);
            }
            case FP32 -> {
                float f = (float) finite(value, pointer);
                if (!Float.isFinite(f)) {
                    throw InvalidInputException.invalid(pointer + ": a FP32 element must be within float range, got a number outside it");
                }
                out.putFloat(f);
            }
            case FP64 -> out.putDouble(finite(value, pointer));
            case BYTES -> throw new IllegalStateException("BYTES elements are strings, not buffer elements");
        }
    }

    /** Appends the element at {@code in}'s position to {@code out} as JSON. */
    void write(ByteBuffer in, ArrayNode out) {
        switch (this) {
            case BOOL -> out.add(in.get() != 0);
            case UINT8 -> out.add(Byte.toUnsignedInt(in.get()));
            case UINT16 -> out.add(Short.toUnsignedInt(in.getShort()));
            case UINT32 -> out.add(Integer.toUnsignedLong(in.getInt()));
            case UINT64 -> out.add(new BigInteger(Long.toUnsignedString(in.getLong())));
            case INT8 -> out.add(in.get());
            case INT16 -> out.add(in.getShort());
            case INT32 -> out.add(in.getInt());
            case INT64 -> out.add(in.getLong());
            case FP16 -> out.add(Float.float16ToFloat(in.getShort()));
            case FP32 -> out.add(in.getFloat());
            case FP64 -> out.add(in.getDouble());
            case BYTES -> throw new IllegalStateException("BYTES elements are strings, not buffer elements");
        }
    }

    private long integer(JsonNode value, long min, long max, String pointer) throws InvalidInputException {
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < min || value.longValue() > max) {
            throw expected("an integer " + min + ".." + max, value, pointer);
        }
        return value.longValue();
    }

    private double finite(JsonNode value, String pointer) throws InvalidInputException {
        if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
            throw expected("a finite number", value, pointer);
        }
        return value.doubleValue();
    }

    private InvalidInputException expected(String what, JsonNode value, String pointer) {
        return InvalidInputException.invalid(pointer + ": a " + name() + " element must be " + what + ", got "
                + (value.isIntegralNumber() ? "an integer outside that range" : value.isNumber() ? "a fraction"
                : EventCodec.describe(value)));
    }
}
