package dev.inferbus.local.iam.policy;

/** A statement's {@code Effect}. */
public enum Effect {
    ALLOW("Allow"), DENY("Deny");

    private final String json;

    Effect(String json) {
        this.json = json;
    }

    /** IAM accepts exactly {@code Allow} or {@code Deny}. */
    static Effect parse(String value) {
        for (Effect effect : values()) {
            if (effect.json.equals(value)) {
                return effect;
            }
        }
        throw new IllegalArgumentException("Effect must be Allow or Deny, not " + value);
    }
}
