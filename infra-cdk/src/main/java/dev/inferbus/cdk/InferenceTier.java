package dev.inferbus.cdk;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.kinesis.Stream;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.sqs.Queue;

/** What a tier deploys that observability watches: its functions, queues, dead-letter queues and streams. */
public interface InferenceTier {

    Map<String, Alias> functions();

    Map<String, Queue> queues();

    List<Queue> deadLetterQueues();

    List<Stream> streams();
}
