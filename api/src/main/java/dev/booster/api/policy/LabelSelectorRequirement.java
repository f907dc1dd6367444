package dev.booster.api.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.booster.api.InvalidSpecException;

import java.util.List;
import java.util.Map;

/** One {@code matchExpressions} entry of a Kubernetes label selector. */
public record LabelSelectorRequirement(String key, Operator operator, List<String> values) {

    public enum Operator {
        @JsonProperty("In") IN,
        @JsonProperty("NotIn") NOT_IN,
        @JsonProperty("Exists") EXISTS,
        @JsonProperty("DoesNotExist") DOES_NOT_EXIST
    }

    public LabelSelectorRequirement {
        if (key == null || key.isEmpty()) throw new InvalidSpecException("key", "is required");
        Labels.checkKey("key", key);
        if (operator == null) throw new InvalidSpecException("operator", "is required; use In, NotIn, Exists or DoesNotExist");
        values = values == null ? List.of() : List.copyOf(values);
        switch (operator) {
            case IN, NOT_IN -> {
                if (values.isEmpty()) throw new InvalidSpecException("values", "must not be empty for operator " + jsonName(operator));
            }
            case EXISTS, DOES_NOT_EXIST -> {
                if (!values.isEmpty()) throw new InvalidSpecException("values", "must be empty for operator " + jsonName(operator));
            }
        }
        for (int i = 0; i < values.size(); i++) Labels.checkValue("values[" + i + "]", values.get(i));
    }

    public static LabelSelectorRequirement in(String key, String... values) {
        return new LabelSelectorRequirement(key, Operator.IN, List.of(values));
    }

    public static LabelSelectorRequirement notIn(String key, String... values) {
        return new LabelSelectorRequirement(key, Operator.NOT_IN, List.of(values));
    }

    public static LabelSelectorRequirement exists(String key) {
        return new LabelSelectorRequirement(key, Operator.EXISTS, List.of());
    }

    public static LabelSelectorRequirement doesNotExist(String key) {
        return new LabelSelectorRequirement(key, Operator.DOES_NOT_EXIST, List.of());
    }

    public boolean matches(Map<String, String> labels) {
        String v = labels.get(key);
        return switch (operator) {
            case IN -> v != null && values.contains(v);
            case NOT_IN -> v == null || !values.contains(v);
            case EXISTS -> v != null;
            case DOES_NOT_EXIST -> v == null;
        };
    }

    private static String jsonName(Operator op) {
        return switch (op) {
            case IN -> "In";
            case NOT_IN -> "NotIn";
            case EXISTS -> "Exists";
            case DOES_NOT_EXIST -> "DoesNotExist";
        };
    }
}
