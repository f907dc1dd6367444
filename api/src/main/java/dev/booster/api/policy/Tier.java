package dev.booster.api.policy;

import dev.booster.api.InvalidSpecException;

/** A Calico-style policy tier: tiers are evaluated in {@code order} (lower first), each to a verdict or a Pass. */
public record Tier(String name, double order) {
    /** The tier of policies that name none, Kubernetes NetworkPolicies among them; it comes last. */
    public static final Tier DEFAULT = new Tier("default", 1_000_000);

    public Tier {
        checkName("name", name);
        if (Double.isNaN(order) || Double.isInfinite(order)) throw new InvalidSpecException("order", "must be a finite number");
    }

    static void checkName(String field, String name) {
        if (name == null || name.isEmpty() || name.length() > 63 || !name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
            throw new InvalidSpecException(field, "\"" + name + "\" is not a tier name (lower case a-z, 0-9 and '-', at most 63)");
        }
    }
}
