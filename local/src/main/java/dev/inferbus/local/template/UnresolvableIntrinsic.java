package dev.inferbus.local.template;

/**
 * An intrinsic function the local cloud cannot evaluate. The message starts with where it sits, e.g.
 * {@code CpuInferenceFunctioncpudirect9DD8D9B8.Environment.Variables.INFERBUS_TABLE: Ref to unknown resource Foo},
 * because a template has hundreds of intrinsics and the reason alone does not find the one that failed.
 */
public final class UnresolvableIntrinsic extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String logicalId;
    private final String propertyPath;

    public UnresolvableIntrinsic(String logicalId, String propertyPath, String reason) {
        super(where(logicalId, propertyPath) + ": " + reason);
        this.logicalId = logicalId;
        this.propertyPath = propertyPath;
    }

    public String logicalId() {
        return logicalId;
    }

    public String propertyPath() {
        return propertyPath;
    }

    private static String where(String logicalId, String propertyPath) {
        return propertyPath.isEmpty() ? logicalId : logicalId + "." + propertyPath;
    }
}
