package dev.inferbus.local.iam.gateway.sigv4;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inferbus.local.iam.Principal;
import org.junit.jupiter.api.Test;

class CredentialsRegistryTest {

    private final CredentialsRegistry registry = new CredentialsRegistry("000000000000");

    @Test
    void theAdministratorHasALongTermKey() {
        Credential admin = registry.admin();

        assertThat(admin.accessKeyId()).matches("AKIA[A-Z0-9]{16}");
        assertThat(admin.secretAccessKey()).matches("[A-Za-z0-9/+]{40}");
        assertThat(admin.sessionToken()).isEmpty();
        assertThat(admin.principal()).isEqualTo(Principal.admin("000000000000"));
        assertThat(registry.find(admin.accessKeyId())).contains(admin);
    }

    @Test
    void aRoleSessionGetsATemporaryKeyWithATokenAndItsEnvironment() {
        Principal role = Principal.roleSession("000000000000", "fn-role", "fn");
        Credential first = registry.issue(role);
        Credential second = registry.issue(role);

        assertThat(first.accessKeyId()).matches("ASIA[A-Z0-9]{16}");
        assertThat(first.sessionToken()).isPresent();
        assertThat(second.accessKeyId()).isNotEqualTo(first.accessKeyId());
        assertThat(second.secretAccessKey()).isNotEqualTo(first.secretAccessKey());
        assertThat(registry.find(first.accessKeyId())).contains(first);
        assertThat(first.environment()).containsOnlyKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
                .containsEntry("AWS_SESSION_TOKEN", first.sessionToken().orElseThrow());
        assertThat(first.toString()).doesNotContain(first.secretAccessKey());
    }

    @Test
    void aServiceKeyIsLongTermAndUnknownKeysAreNotFound() {
        assertThat(registry.issue(Principal.service("000000000000", "events.amazonaws.com")).accessKeyId())
                .startsWith("AKIA");
        assertThat(registry.find("AKIAAAAAAAAAAAAAAAAA")).isEmpty();
    }
}
