package dev.booster.api.policy;

import dev.booster.api.InvalidSpecException;

import java.util.Map;

/** Kubernetes label syntax: keys are {@code [prefix/]name}, values at most 63 characters of [A-Za-z0-9._-]. */
public final class Labels {
    /** The label Kubernetes puts on every namespace, holding its name. */
    public static final String NAMESPACE_NAME = "kubernetes.io/metadata.name";

    private Labels() {
    }

    public static void checkAll(String field, Map<String, String> labels) {
        for (Map.Entry<String, String> e : labels.entrySet()) {
            checkKey(field, e.getKey());
            checkValue(field + "." + e.getKey(), e.getValue());
        }
    }

    public static void checkKey(String field, String key) {
        int slash = key.indexOf('/');
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            if (prefix.isEmpty() || prefix.length() > 253 || !prefix.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")) {
                throw new InvalidSpecException(field, "label key \"" + key + "\" has an invalid prefix; use a DNS subdomain like example.com/");
            }
        }
        if (name.isEmpty() || name.length() > 63 || !name.matches("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")) {
            throw new InvalidSpecException(field, "label key \"" + key + "\" is invalid; a name is 1..63 characters of [A-Za-z0-9._-], starting and ending alphanumeric");
        }
    }

    public static void checkValue(String field, String value) {
        if (value == null) throw new InvalidSpecException(field, "label value is null; use \"\" for an empty value");
        if (value.length() > 63 || !(value.isEmpty() || value.matches("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?"))) {
            throw new InvalidSpecException(field, "label value \"" + value + "\" is invalid; use at most 63 characters of [A-Za-z0-9._-], starting and ending alphanumeric");
        }
    }
}
