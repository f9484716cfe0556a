package dev.inferbus.local.iam.gateway.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The TLS identity of the local cloud's gateways, made at start: a certificate authority of its own and, signed by
 * it, a server certificate for {@code 127.0.0.1} and {@code localhost}. The local cloud is reached over HTTPS as AWS
 * is: the template's bucket and queue policies deny requests whose {@code aws:SecureTransport} is false.
 *
 * <p>Two certificates rather than one self-signed: strict verifiers (Python's since 3.13, OpenSSL's
 * {@code X509_V_FLAG_X509_STRICT}) refuse a server certificate that is its own CA. Keys are EC P-256, quick to make;
 * the certificates last a day, longer than any local run. The private keys never leave this process; only the
 * authority's certificate is written, as {@link TrustMaterial}.
 */
public final class GatewayTls {

    private static final Duration VALIDITY = Duration.ofDays(1);
    private static final String SIGNATURE = "SHA256withECDSA";

    private final SSLContext serverContext;
    private final TrustMaterial trust;

    private GatewayTls(SSLContext serverContext, TrustMaterial trust) {
        this.serverContext = serverContext;
        this.trust = trust;
    }

    /** Makes the authority and the server certificate, and writes the trust material into {@code directory}. */
    public static GatewayTls create(Path directory) throws IOException {
        try {
            SecureRandom random = new SecureRandom();
            Instant now = Instant.now();
            KeyPair authorityKeys = ecKeys();
            X500Name authorityName = new X500Name("CN=inferbus local cloud CA");
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder authority = builder(authorityName, authorityName, authorityKeys.getPublic(), now, random)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(authorityKeys.getPublic()));
            X509Certificate authorityCertificate = sign(authority, authorityKeys.getPrivate());

            KeyPair serverKeys = ecKeys();
            X509v3CertificateBuilder server = builder(authorityName, new X500Name("CN=localhost"), serverKeys.getPublic(), now,
                    random)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(serverKeys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(authorityCertificate));
            X509Certificate serverCertificate = sign(server, authorityKeys.getPrivate());

            return new GatewayTls(serverContext(serverKeys.getPrivate(), serverCertificate, authorityCertificate, random),
                    writeTrust(directory, authorityCertificate, random));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make the gateway's certificates", e);
        }
    }

    /** The context the gateways' HTTPS servers use: the server certificate and its chain. */
    public SSLContext serverContext() {
        return serverContext;
    }

    /** What clients need to trust the gateways. */
    public TrustMaterial trust() {
        return trust;
    }

    private static KeyPair ecKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key, Instant now,
                                                    SecureRandom random) {
        // a minute back: a client whose clock is a little behind still sees the certificate as valid
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, random).abs().add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofMinutes(1))), Date.from(now.plus(VALIDITY)), subject, key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(issuerKey)));
    }

    private static SSLContext serverContext(PrivateKey key, X509Certificate certificate, X509Certificate authority,
                                            SecureRandom random) throws GeneralSecurityException, IOException {
        char[] password = secret(random).toCharArray();
        KeyStore store = KeyStore.getInstance(TrustMaterial.TRUSTSTORE_TYPE);
        store.load(null, null);
        store.setKeyEntry("gateway", key, password, new Certificate[] {certificate, authority});
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, random);
        return context;
    }

    /** A keystore password: it guards nothing secret in the truststore, and the server's keystore stays in memory. */
    private static String secret(SecureRandom random) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static TrustMaterial writeTrust(Path directory, X509Certificate authority, SecureRandom random)
            throws GeneralSecurityException, IOException {
        Files.createDirectories(directory);
        String password = secret(random);
        KeyStore store = KeyStore.getInstance(TrustMaterial.TRUSTSTORE_TYPE);
        store.load(null, null);
        store.setCertificateEntry("inferbus-local-ca", authority);
        Path truststore = directory.resolve("truststore.p12");
        try (OutputStream out = Files.newOutputStream(truststore)) {
            store.store(out, password.toCharArray());
        }
        Path bundle = directory.resolve("ca.pem");
        Files.writeString(bundle, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(authority.getEncoded())
                + "\n-----END CERTIFICATE-----\n", StandardCharsets.US_ASCII);
        return new TrustMaterial(truststore, password, bundle);
    }
}
