package dev.booster.api.policy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.booster.api.InvalidSpecException;

import java.util.Map;

/** The part of Kubernetes object metadata Booster uses; the rest (uid, managedFields...) is read and ignored. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ObjectMeta(String name, String namespace, Map<String, String> labels, Map<String, String> annotations) {

    public ObjectMeta {
        if (name == null || name.isEmpty()) throw new InvalidSpecException("name", "is required");
        if (name.length() > 253 || !name.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?")) {
            throw new InvalidSpecException("name", "\"" + name + "\" is not a DNS subdomain name (lower case a-z, 0-9, '-' and '.')");
        }
        if (namespace != null && !namespace.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
            throw new InvalidSpecException("namespace", "\"" + namespace + "\" is not a DNS label (lower case a-z, 0-9 and '-')");
        }
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        Labels.checkAll("labels", labels);
    }

    public static ObjectMeta of(String namespace, String name) {
        return new ObjectMeta(name, namespace, Map.of(), Map.of());
    }
}
