package dev.inferbus.functions.tensor;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Moves {@link Tensor}s into ONNX Runtime and back, by bytes: ONNX Runtime takes and gives native-order buffers. */
public final class OnnxTensors {

    private OnnxTensors() {
    }

    /** The tensor as ONNX Runtime's; the caller closes it. */
    public static OnnxTensor create(OrtEnvironment env, Tensor tensor) throws OrtException {
        if (tensor.datatype() == Datatype.BYTES) {
            return OnnxTensor.createTensor(env, tensor.strings(), tensor.shape());
        }
        // ONNX Runtime reads a direct buffer of any element type in place; a heap one it casts to the type's own
        // buffer class, which a ByteBuffer is not
        ByteBuffer direct = ByteBuffer.allocateDirect(tensor.values().limit()).order(ByteOrder.nativeOrder());
        direct.put(tensor.values().duplicate().rewind()).flip();
        return OnnxTensor.createTensor(env, direct, tensor.shape(), tensor.datatype().javaType().orElseThrow());
    }

    /** An output of a run as a {@link Tensor}; refuses a value that is not a tensor KServe can name. */
    public static Tensor read(String name, OnnxValue value) throws OrtException {
        if (!(value instanceof OnnxTensor tensor)) {
            throw new IllegalStateException("output '" + name + "' is a " + value.getType() + ", not a tensor");
        }
        TensorInfo info = tensor.getInfo();
        Datatype datatype = Datatype.ofOnnx(info.onnxType).orElseThrow(() -> new IllegalStateException("output '"
                + name + "' has element type " + info.onnxType + ", which KServe v2 has no name for"));
        if (datatype == Datatype.BYTES) {
            List<String> strings = new ArrayList<>();
            flatten(tensor.getValue(), strings);
            return new Tensor(name, datatype, info.getShape(), null, strings.toArray(String[]::new));
        }
        ByteBuffer bytes = tensor.getByteBuffer().order(ByteOrder.nativeOrder());
        ByteBuffer copy = Tensor.buffer(datatype, info.getNumElements()).put(bytes).flip();
        return new Tensor(name, datatype, info.getShape(), copy, null);
    }

    /** A string tensor's value comes back as nested arrays (or one string for a scalar). */
    private static void flatten(Object value, List<String> out) {
        if (value instanceof String s) {
            out.add(s);
            return;
        }
        for (int i = 0; i < Array.getLength(value); i++) {
            flatten(Array.get(value, i), out);
        }
    }
}
