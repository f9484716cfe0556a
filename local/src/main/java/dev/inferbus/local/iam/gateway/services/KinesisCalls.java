package dev.inferbus.local.iam.gateway.services;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.local.relay.ProxiedRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kinesis (AWS JSON 1.1, {@code X-Amz-Target: Kinesis_20131202.<Operation>}): the action is {@code kinesis:} and the
 * operation, on the stream the body names by {@code StreamARN} or {@code StreamName}, or on the consumer a
 * {@code ConsumerARN} names.
 *
 * <p>GetRecords names no stream: its {@code ShardIterator} is opaque. Kinesis knows which stream an iterator reads;
 * this gateway learns it from the answers it relays: the iterator a GetShardIterator returns, and each
 * {@code NextShardIterator} a GetRecords returns, reads the stream the call was about. The most recent
 * {@value #REMEMBERED} iterators are remembered (a consumer uses each once, then the next); a GetRecords that also
 * names its stream ({@code StreamARN}) needs none. An iterator neither remembered nor accompanied by a stream is
 * refused as Kinesis refuses an iterator it no longer honours, {@code ExpiredIteratorException} (GetRecords, Errors,
 * https://docs.aws.amazon.com/kinesis/latest/APIReference/API_GetRecords.html): a consumer then asks for a new one,
 * which this gateway sees handed out. Letting it through on {@code *} would instead ask policies about no stream.
 */
final class KinesisCalls implements Classifier {

    static final int REMEMBERED = 10_000;

    private final Arns arns;
    /** Iterator → stream ARN, least recently used first. */
    private final Map<String, String> iterators = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > REMEMBERED;
        }
    };

    KinesisCalls(Arns arns) {
        this.arns = arns;
    }

    @Override
    public List<ServiceCall> classify(ProxiedRequest request) throws CallRefused {
        JsonNode body = Bodies.tree(request);
        String action = "kinesis:" + request.operation();
        if (request.operation().equals("GetRecords")) {
            String stream = streamOfIterator(body);
            if (stream == null) {
                throw new CallRefused(new AwsError(400, "ExpiredIteratorException"), "Iterator expired. The iterator"
                        + " is not one this local cloud handed out, or it was handed out too long ago.");
            }
            return List.of(new ServiceCall(action, stream));
        }
        String consumer = Bodies.text(body, "ConsumerARN");
        String stream = stream(body);
        return List.of(new ServiceCall(action, consumer != null ? consumer : stream != null ? stream : "*"));
    }

    @Override
    public boolean learnsFrom(ProxiedRequest request) {
        return request.operation().equals("GetShardIterator") || request.operation().equals("GetRecords");
    }

    @Override
    public void learn(ProxiedRequest request, String contentType, byte[] answer) {
        JsonNode body = Bodies.tree(request);
        boolean getRecords = request.operation().equals("GetRecords");
        String stream = getRecords ? streamOfIterator(body) : stream(body);
        String next = Bodies.text(Bodies.tree(contentType, answer), getRecords ? "NextShardIterator" : "ShardIterator");
        if (stream != null && next != null) {
            synchronized (iterators) {
                iterators.put(next, stream);
            }
        }
    }

    private String streamOfIterator(JsonNode body) {
        String iterator = Bodies.text(body, "ShardIterator");
        String known;
        synchronized (iterators) {
            known = iterator == null ? null : iterators.get(iterator);
        }
        return known != null ? known : Bodies.text(body, "StreamARN");
    }

    /** The stream a body names, as an ARN; null when it names none. */
    private String stream(JsonNode body) {
        String arn = Bodies.text(body, "StreamARN");
        String name = Bodies.text(body, "StreamName");
        return arn != null ? arn : name != null ? arns.stream(name) : null;
    }
}
