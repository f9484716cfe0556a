package dev.inferbus.local.iam;

/**
 * Who a request comes from.
 *
 * @param kind what sort of principal it is
 * @param arn the ARN policies name it by: a role's ARN ({@code arn:aws:iam::ACCOUNT:role/NAME}), the account root
 *     for the administrator, a service principal's name ({@code events.amazonaws.com}) for a service
 * @param sessionArn the ARN a denial message quotes: {@code arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION} for a role
 *     session, else {@link #arn}
 * @param account the account id the principal belongs to
 */
public record Principal(Kind kind, String arn, String sessionArn, String account) {

    public enum Kind { ROLE, SERVICE, ADMIN }

    public static Principal roleSession(String account, String roleName, String session) {
        return new Principal(Kind.ROLE, "arn:aws:iam::" + account + ":role/" + roleName,
                "arn:aws:sts::" + account + ":assumed-role/" + roleName + "/" + session, account);
    }

    public static Principal service(String account, String servicePrincipal) {
        return new Principal(Kind.SERVICE, servicePrincipal, servicePrincipal, account);
    }

    public static Principal admin(String account) {
        String root = "arn:aws:iam::" + account + ":root";
        return new Principal(Kind.ADMIN, root, root, account);
    }
}
