package dev.inferbus.functions.tensor;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * One named tensor, row-major. Numeric elements sit in {@code values} (native byte order, {@link Datatype#bytes()}
 * each, read-only to whoever holds the tensor); BYTES elements in {@code strings}. The arrays are never changed
 * after construction.
 *
 * @param values the numeric elements, null for BYTES
 * @param strings the BYTES elements, null for a numeric type
 */
public record Tensor(String name, Datatype datatype, long[] shape, ByteBuffer values, String[] strings) {

    public Tensor {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** The element count of {@code shape}; the caller has bounded it. */
    public static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public long elements() {
        return elements(shape);
    }

    /** Rows along the first axis; a scalar is one row. */
    public long rows() {
        return shape.length == 0 ? 1 : shape[0];
    }

    /** A buffer for {@code count} elements of {@code datatype}, in the order ONNX Runtime reads. */
    static ByteBuffer buffer(Datatype datatype, long count) {
        return ByteBuffer.allocate(Math.toIntExact(count * datatype.bytes())).order(ByteOrder.nativeOrder());
    }

    /** The tensors' rows stacked along the first axis: their datatypes and other dimensions agree. */
    public static Tensor concat(List<Tensor> parts) {
        Tensor first = parts.get(0);
        long[] shape = first.shape();
        shape[0] = parts.stream().mapToLong(Tensor::rows).sum();
        if (first.datatype == Datatype.BYTES) {
            return new Tensor(first.name, first.datatype, shape, null,
                    parts.stream().flatMap(p -> Arrays.stream(p.strings)).toArray(String[]::new));
        }
        ByteBuffer all = buffer(first.datatype, elements(shape));
        parts.forEach(p -> all.put(p.values.duplicate().rewind()));
        return new Tensor(first.name, first.datatype, shape, all.flip(), null);
    }

    /** {@code count} rows from row {@code from} along the first axis. */
    public Tensor rows(long from, long count) {
        long[] part = shape();
        part[0] = count;
        long perRow = shape[0] == 0 ? 0 : elements() / shape[0];
        int start = Math.toIntExact(from * perRow);
        int length = Math.toIntExact(count * perRow);
        if (datatype == Datatype.BYTES) {
            return new Tensor(name, datatype, part, null, Arrays.copyOfRange(strings, start, start + length));
        }
        ByteBuffer slice = values.duplicate().order(ByteOrder.nativeOrder());
        slice.position(start * datatype.bytes()).limit((start + length) * datatype.bytes());
        ByteBuffer copy = buffer(datatype, length).put(slice).flip();
        return new Tensor(name, datatype, part, copy, null);
    }

    /** The tensor as KServe v2 writes an output: {@code {name, datatype, shape, data}}, data flat and row-major. */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode().put("name", name).put("datatype", datatype.name());
        ArrayNode dims = node.putArray("shape");
        for (long d : shape) {
            dims.add(d);
        }
        ArrayNode data = node.putArray("data");
        if (datatype == Datatype.BYTES) {
            Arrays.stream(strings).forEach(data::add);
        } else {
            ByteBuffer in = values.duplicate().order(ByteOrder.nativeOrder()).rewind();
            while (in.hasRemaining()) {
                datatype.write(in, data);
            }
        }
        return node;
    }
}
