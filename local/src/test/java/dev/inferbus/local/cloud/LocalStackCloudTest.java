package dev.inferbus.local.cloud;

/** The same cloud contract on LocalStack; skipped with the reason where no Docker engine answers. */
@LocalCloudExtension.Backend(LocalCloudExtension.Kind.LOCALSTACK)
class LocalStackCloudTest extends CloudContractTest {
}
