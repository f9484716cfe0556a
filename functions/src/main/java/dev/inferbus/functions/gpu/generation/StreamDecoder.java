package dev.inferbus.functions.gpu.generation;

import dev.inferbus.functions.generation.Generation;
import dev.inferbus.functions.gpu.MalformedPayloadException;
import java.util.Optional;

/** Reads one streamed generation, event by event, in a format's streaming shape. */
public interface StreamDecoder {

    /**
     * The text one event's data adds to the generation, if any.
     *
     * @throws ContainerStreamError when the container reports an error in the stream
     */
    Optional<String> accept(String data) throws MalformedPayloadException, ContainerStreamError;

    /** The generation, once the stream has ended; refuses a stream that ended before its final event. */
    Generation end() throws MalformedPayloadException;

    /** An error the container wrote into the stream after it had answered 200. */
    final class ContainerStreamError extends Exception {
        public ContainerStreamError(String message) {
            super(message, null, false, false);
        }
    }
}
