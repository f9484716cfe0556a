package dev.inferbus.local.cloud;

/** The cloud contract on the embedded local cloud. */
@LocalCloudExtension.Backend(LocalCloudExtension.Kind.EMBEDDED)
class EmbeddedCloudTest extends CloudContractTest {
}
