package dev.inferbus.local.iam.gateway.services;

import dev.inferbus.local.relay.PercentCoding;
import dev.inferbus.local.relay.ProxiedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * S3 (REST, path-style {@code /bucket/key}, as the local cloud's clients address it). The action follows from the
 * method, whether a key is named and the subresource in the query string, as the S3 API maps operations to
 * permissions ("Required permissions for Amazon S3 API operations",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html): an object's GET and HEAD
 * are {@code s3:GetObject} on {@code arn:aws:s3:::bucket/key}, its PUT and the multipart steps {@code s3:PutObject},
 * a copy also {@code s3:GetObject} on the source ({@code x-amz-copy-source}); a bucket's GET and HEAD are
 * {@code s3:ListBucket} on {@code arn:aws:s3:::bucket} (with {@code s3:prefix} as a condition key when listed by
 * prefix), its PUT {@code s3:CreateBucket}; {@code GET /} is {@code s3:ListAllMyBuckets} on {@code *}. Keys are
 * decoded from the path. A multi-object delete ({@code POST /bucket?delete}) lists its keys in a body the gateway
 * streams through unread: it asks {@code s3:DeleteObject} on every key, {@code bucket/*}.
 */
final class S3Calls implements Classifier {

    /** Bucket subresources: "METHOD subresource" → action. */
    private static final Map<String, String> BUCKET = Map.ofEntries(
            Map.entry("GET policy", "GetBucketPolicy"), Map.entry("PUT policy", "PutBucketPolicy"),
            Map.entry("DELETE policy", "DeleteBucketPolicy"), Map.entry("GET acl", "GetBucketAcl"),
            Map.entry("PUT acl", "PutBucketAcl"), Map.entry("GET tagging", "GetBucketTagging"),
            Map.entry("PUT tagging", "PutBucketTagging"), Map.entry("DELETE tagging", "PutBucketTagging"),
            Map.entry("GET versioning", "GetBucketVersioning"), Map.entry("PUT versioning", "PutBucketVersioning"),
            Map.entry("GET notification", "GetBucketNotification"), Map.entry("PUT notification", "PutBucketNotification"),
            Map.entry("GET cors", "GetBucketCORS"), Map.entry("PUT cors", "PutBucketCORS"),
            Map.entry("DELETE cors", "PutBucketCORS"), Map.entry("GET encryption", "GetEncryptionConfiguration"),
            Map.entry("PUT encryption", "PutEncryptionConfiguration"),
            Map.entry("DELETE encryption", "PutEncryptionConfiguration"),
            Map.entry("GET lifecycle", "GetLifecycleConfiguration"), Map.entry("PUT lifecycle", "PutLifecycleConfiguration"),
            Map.entry("DELETE lifecycle", "PutLifecycleConfiguration"), Map.entry("GET location", "GetBucketLocation"),
            Map.entry("GET uploads", "ListBucketMultipartUploads"), Map.entry("GET versions", "ListBucketVersions"),
            Map.entry("GET publicAccessBlock", "GetBucketPublicAccessBlock"),
            Map.entry("PUT publicAccessBlock", "PutBucketPublicAccessBlock"),
            Map.entry("DELETE publicAccessBlock", "PutBucketPublicAccessBlock"),
            Map.entry("GET ownershipControls", "GetBucketOwnershipControls"),
            Map.entry("PUT ownershipControls", "PutBucketOwnershipControls"),
            Map.entry("DELETE ownershipControls", "PutBucketOwnershipControls"),
            Map.entry("POST delete", "DeleteObject"));
    private static final Map<String, String> BUCKET_DEFAULT = Map.of("GET", "ListBucket", "HEAD", "ListBucket",
            "PUT", "CreateBucket", "DELETE", "DeleteBucket");

    /** Object subresources: "METHOD subresource" → action. */
    private static final Map<String, String> OBJECT = Map.ofEntries(
            Map.entry("GET acl", "GetObjectAcl"), Map.entry("PUT acl", "PutObjectAcl"),
            Map.entry("GET tagging", "GetObjectTagging"), Map.entry("PUT tagging", "PutObjectTagging"),
            Map.entry("DELETE tagging", "DeleteObjectTagging"), Map.entry("GET attributes", "GetObjectAttributes"),
            Map.entry("GET uploadId", "ListMultipartUploadParts"), Map.entry("DELETE uploadId", "AbortMultipartUpload"),
            Map.entry("GET versionId", "GetObjectVersion"), Map.entry("HEAD versionId", "GetObjectVersion"),
            Map.entry("DELETE versionId", "DeleteObjectVersion"), Map.entry("PUT retention", "PutObjectRetention"),
            Map.entry("PUT legal-hold", "PutObjectLegalHold"), Map.entry("POST restore", "RestoreObject"),
            Map.entry("POST select", "GetObject"));
    private static final Map<String, String> OBJECT_DEFAULT = Map.of("GET", "GetObject", "HEAD", "GetObject",
            "PUT", "PutObject", "POST", "PutObject", "DELETE", "DeleteObject");

    /**
     * SSE-KMS: writing an object under a KMS key takes {@code kms:GenerateDataKey} on the key, reading it
     * {@code kms:Decrypt}, each allowed by the key policy and IAM, S3 asking KMS on the caller's behalf
     * ("Using server-side encryption with AWS KMS keys (SSE-KMS)", "Permissions",
     * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html).
     */
    private static final String SSE = "x-amz-server-side-encryption";
    private static final String SSE_KEY = "x-amz-server-side-encryption-aws-kms-key-id";
    private final Arns arns;
    /** The KMS key of each object written with SSE-KMS: its reads need kms:Decrypt on it. */
    private final EncryptedObjects encryptedObjects;

    S3Calls(Arns arns, EncryptedObjects encryptedObjects) {
        this.arns = arns;
        this.encryptedObjects = encryptedObjects;
    }

    @Override
    public boolean learnsFrom(ProxiedRequest request) {
        return request.method().equals("PUT") && kmsKey(request) != null;
    }

    @Override
    public void learn(ProxiedRequest request, String contentType, byte[] answer) {
        encryptedObjects.written(objectArn(request), kmsKey(request));
    }

    /** The customer key a write names, or null when it asks for no SSE-KMS (or for S3's own aws/s3 key). */
    private static String kmsKey(ProxiedRequest request) {
        return "aws:kms".equals(request.header(SSE)) ? request.header(SSE_KEY) : null;
    }

    private String objectArn(ProxiedRequest request) {
        String path = request.path().startsWith("/") ? request.path().substring(1) : request.path();
        int slash = path.indexOf('/');
        return arns.object(PercentCoding.decode(path.substring(0, slash)), PercentCoding.decode(path.substring(slash + 1)));
    }

    private ServiceCall kms(String action, String key) {
        return new ServiceCall("kms:" + action, key, Map.of("kms:ViaService", "s3." + arns.region() + ".amazonaws.com"));
    }

    @Override
    public List<ServiceCall> classify(ProxiedRequest request) {
        String path = request.path().startsWith("/") ? request.path().substring(1) : request.path();
        if (path.isEmpty()) {
            return List.of(call("ListAllMyBuckets", "*", Map.of()));
        }
        int slash = path.indexOf('/');
        String bucket = PercentCoding.decode(slash < 0 ? path : path.substring(0, slash));
        String key = slash < 0 ? "" : PercentCoding.decode(path.substring(slash + 1));
        Map<String, String> query = Bodies.query(request.query());
        String method = request.method();
        if (key.isEmpty()) {
            String action = subresource(BUCKET, method, query, BUCKET_DEFAULT.getOrDefault(method, "ListBucket"));
            String resource = action.equals("DeleteObject") ? arns.object(bucket, "*") : arns.bucket(bucket);
            Map<String, String> context = action.equals("ListBucket") && query.containsKey("prefix")
                    ? Map.of("s3:prefix", query.get("prefix")) : Map.of();
            return List.of(call(action, resource, context));
        }
        List<ServiceCall> calls = new ArrayList<>();
        String action = subresource(OBJECT, method, query, OBJECT_DEFAULT.getOrDefault(method, "GetObject"));
        calls.add(call(action, arns.object(bucket, key), Map.of()));
        String writeKey = method.equals("PUT") ? kmsKey(request) : null;
        if (writeKey != null) {
            calls.add(kms("GenerateDataKey", writeKey));
        }
        String readKey = action.equals("GetObject") ? encryptedObjects.key(arns.object(bucket, key)).orElse(null) : null;
        if (readKey != null) {
            calls.add(kms("Decrypt", readKey));
        }
        String copySource = request.header("x-amz-copy-source");
        if (copySource != null && method.equals("PUT")) {
            calls.add(call("GetObject", copySource(copySource), Map.of()));
        }
        return List.copyOf(calls);
    }

    /** The action of the first subresource in the query that the table knows for this method, else the default. */
    private static String subresource(Map<String, String> table, String method, Map<String, String> query, String fallback) {
        for (String name : query.keySet()) {
            String action = table.get(method + " " + name);
            if (action != null) {
                return action;
            }
        }
        return fallback;
    }

    /** {@code [/]bucket/key[?versionId=…]}, URL-encoded, as the copy operations take it. */
    private String copySource(String header) {
        String decoded = PercentCoding.decode(header.startsWith("/") ? header.substring(1) : header);
        int version = decoded.lastIndexOf("?versionId=");
        String source = version < 0 ? decoded : decoded.substring(0, version);
        int slash = source.indexOf('/');
        return slash < 0 ? arns.bucket(source) : arns.object(source.substring(0, slash), source.substring(slash + 1));
    }

    private static ServiceCall call(String action, String resource, Map<String, String> context) {
        return new ServiceCall("s3:" + action, resource, context);
    }
}
