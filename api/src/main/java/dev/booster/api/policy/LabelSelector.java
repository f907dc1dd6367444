package dev.booster.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * A Kubernetes label selector: all {@code matchLabels} pairs and all {@code matchExpressions} must hold. The empty
 * selector ({@code {}}) selects everything.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record LabelSelector(Map<String, String> matchLabels, List<LabelSelectorRequirement> matchExpressions) {

    public static final LabelSelector ALL = new LabelSelector(Map.of(), List.of());

    public LabelSelector {
        matchLabels = matchLabels == null ? Map.of() : Map.copyOf(matchLabels);
        matchExpressions = matchExpressions == null ? List.of() : List.copyOf(matchExpressions);
        Labels.checkAll("matchLabels", matchLabels);
    }

    public static LabelSelector matchLabels(Map<String, String> labels) {
        return new LabelSelector(labels, List.of());
    }

    public static LabelSelector of(Map<String, String> labels, LabelSelectorRequirement... expressions) {
        return new LabelSelector(labels, List.of(expressions));
    }

    public boolean selectsAll() {
        return matchLabels.isEmpty() && matchExpressions.isEmpty();
    }

    public boolean matches(Map<String, String> labels) {
        for (Map.Entry<String, String> e : matchLabels.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) return false;
        }
        for (LabelSelectorRequirement r : matchExpressions) {
            if (!r.matches(labels)) return false;
        }
        return true;
    }
}
