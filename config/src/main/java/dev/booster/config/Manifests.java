package dev.booster.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.booster.api.policy.NetworkPolicy;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads and writes Booster's specs as JSON and YAML manifests. Policies are read the way {@code kubectl} prints them:
 * one object, a {@code List} (or {@code NetworkPolicyList}) with {@code items}, several YAML documents separated by
 * {@code ---}, or any mix. Every problem is a {@link ManifestException} naming where in the document it is.
 */
public final class Manifests {
    private static final YAMLMapper YAML = BoosterJson.yamlMapper();
    private static final JsonMapper JSON = BoosterJson.jsonMapper();
    /** The fields of a Kubernetes list object; {@code metadata} holds only list paging data, which is ignored. */
    private static final Set<String> LIST_FIELDS = Set.of("apiVersion", "kind", "metadata", "items");

    private Manifests() {
    }

    public static List<NetworkPolicy> policiesFromYaml(String yaml) {
        return policies(documents(YAML, yaml));
    }

    public static List<NetworkPolicy> policiesFromYaml(Reader yaml) {
        return policiesFromYaml(readAll(yaml));
    }

    public static List<NetworkPolicy> policiesFromYaml(Path file) {
        return fromFile(file, Manifests::policiesFromYaml);
    }

    public static List<NetworkPolicy> policiesFromJson(String json) {
        return policies(documents(JSON, json));
    }

    public static List<NetworkPolicy> policiesFromJson(Reader json) {
        return policiesFromJson(readAll(json));
    }

    public static List<NetworkPolicy> policiesFromJson(Path file) {
        return fromFile(file, Manifests::policiesFromJson);
    }

    /** Reads one YAML document as a {@code type} (a {@code PodSpec}, {@code TunnelSpec}, {@code PolicySet}...). */
    public static <T> T readYaml(String yaml, Class<T> type) {
        return single(documents(YAML, yaml), type);
    }

    /** Reads one JSON value as a {@code type}. */
    public static <T> T readJson(String json, Class<T> type) {
        return single(documents(JSON, json), type);
    }

    /** {@code value} as YAML, without a leading {@code ---}. */
    public static String toYaml(Object value) {
        return write(YAML, value);
    }

    /** {@code value} as compact JSON. */
    public static String toJson(Object value) {
        return write(JSON, value);
    }

    /** The policies as one YAML {@code kind: List}, as {@code kubectl get networkpolicy -o yaml} prints them. */
    public static String policiesToYaml(List<NetworkPolicy> policies) {
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("apiVersion", "v1");
        list.put("kind", "List");
        list.put("items", policies);
        return toYaml(list);
    }

    /** The documents of a YAML stream (a JSON text is one document); empty documents are null. */
    private static List<JsonNode> documents(ObjectMapper mapper, String text) {
        if (mapper == JSON) return jsonDocument(text);
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it = mapper.readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNextValue()) {
                JsonNode node = it.nextValue();
                documents.add(isEmpty(node) ? null : node);
            }
        } catch (JsonProcessingException e) {
            ManifestException error = ManifestErrors.translate(e, JSON.getDeserializationConfig());
            // A syntax error's line number already locates it; the document number helps once there are several.
            throw documents.isEmpty() ? error : error.inDocument(documents.size() + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return documents;
    }

    /** JSON holds one value; a top-level array is that value (a reading iterator would split it into its elements). */
    private static List<JsonNode> jsonDocument(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return java.util.Collections.singletonList(isEmpty(node) ? null : node);
        } catch (JsonProcessingException e) {
            throw ManifestErrors.translate(e, JSON.getDeserializationConfig());
        }
    }

    /** An empty YAML document reads as an empty string. */
    private static boolean isEmpty(JsonNode document) {
        return document == null || document.isNull() || document.isMissingNode() || (document.isTextual() && document.asText().isEmpty());
    }

    private static List<NetworkPolicy> policies(List<JsonNode> documents) {
        List<NetworkPolicy> policies = new ArrayList<>();
        for (int d = 0; d < documents.size(); d++) {
            JsonNode document = documents.get(d);
            if (document == null) continue;
            try {
                collectPolicies(document, policies);
            } catch (ManifestException e) {
                throw documents.size() > 1 ? e.inDocument(d + 1) : e;
            }
        }
        return List.copyOf(policies);
    }

    private static void collectPolicies(JsonNode document, List<NetworkPolicy> into) {
        if (document.isArray()) {
            for (int i = 0; i < document.size(); i++) into.add(convert(document.get(i), NetworkPolicy.class, "[" + i + "]"));
        } else if (document instanceof ObjectNode object && isList(object)) {
            checkListFields(object);
            JsonNode items = object.get("items");
            if (items == null || items.isNull()) return;
            if (!items.isArray()) throw new ManifestException("items", "expected a list of policies, got " + kindOf(items));
            for (int i = 0; i < items.size(); i++) into.add(convert(items.get(i), NetworkPolicy.class, "items[" + i + "]"));
        } else if (document.isObject()) {
            into.add(convert(document, NetworkPolicy.class, ""));
        } else {
            throw new ManifestException("", "expected a NetworkPolicy, a GlobalNetworkPolicy or a List of them, got " + kindOf(document));
        }
    }

    private static boolean isList(ObjectNode object) {
        JsonNode kind = object.get("kind");
        return kind != null && kind.isTextual() && kind.asText().endsWith("List");
    }

    private static void checkListFields(ObjectNode list) {
        for (Iterator<String> names = list.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!LIST_FIELDS.contains(name)) {
                throw new ManifestException("", "unknown field \"" + name + "\" in a " + list.get("kind").asText()
                        + "; known fields: apiVersion, kind, metadata, items");
            }
        }
    }

    private static String kindOf(JsonNode node) {
        if (node.isObject()) return "an object";
        if (node.isArray()) return "a list";
        return ManifestErrors.describeNode(node, false);
    }

    private static <T> T single(List<JsonNode> documents, Class<T> type) {
        List<Integer> present = new ArrayList<>();
        for (int d = 0; d < documents.size(); d++) if (documents.get(d) != null) present.add(d);
        if (present.isEmpty()) throw new ManifestException("", "the document is empty; expected " + ManifestErrors.describe(type));
        if (present.size() > 1) {
            throw new ManifestException("", "has " + present.size() + " documents; expected one");
        }
        try {
            return convert(documents.get(present.getFirst()), type, "");
        } catch (ManifestException e) {
            throw documents.size() > 1 ? e.inDocument(present.getFirst() + 1) : e;
        }
    }

    private static <T> T convert(JsonNode node, Class<T> type, String path) {
        try {
            return JSON.readerFor(type).readValue(node);
        } catch (JsonMappingException e) {
            throw ManifestErrors.translate(e, path, node, JSON.getDeserializationConfig());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String write(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write a " + value.getClass().getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    private static String readAll(Reader reader) {
        StringWriter text = new StringWriter();
        try (reader) {
            reader.transferTo(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private static <T> T fromFile(Path file, Function<String, T> read) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return read.apply(text);
        } catch (ManifestException e) {
            throw e.inFile(file.toString());
        }
    }
}
