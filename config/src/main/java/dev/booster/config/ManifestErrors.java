package dev.booster.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.Secret;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.MacAddress;
import dev.booster.api.policy.PortRef;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns Jackson's exceptions into {@link ManifestException}s a person can act on: a Kubernetes-style path and a
 * problem in plain words, never a Jackson message, stack trace or Java class name.
 */
final class ManifestErrors {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** A qualified Java name such as {@code java.lang.Foo} in a library's message: not for a person's eyes. */
    private static final Pattern JAVA_NAME = Pattern.compile("\\b[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+\\.[A-Z]");
    private static final Pattern DUPLICATE_FIELD = Pattern.compile("Duplicate field '(.*)'");
    private static final int MAX_SHOWN_TEXT = 60;

    private ManifestErrors() {
    }

    /** An error while parsing a document into a tree: bad syntax or a field given twice. */
    static ManifestException translate(JsonProcessingException e, DeserializationConfig config) {
        if (e instanceof MismatchedInputException extra && extra.getOriginalMessage() != null && extra.getOriginalMessage().startsWith("Trailing token")) {
            return new ManifestException("", located(extra, "a second value follows the first; give one value (a list holds several)"));
        }
        return e instanceof JsonMappingException mapping ? translate(mapping, "", null, config) : syntax(e);
    }

    /**
     * The error {@code e} raised while reading {@code value}, which sits at {@code basePath} of its document.
     * {@code value} may be null when the tree is not at hand.
     */
    static ManifestException translate(JsonMappingException mapping, String basePath, JsonNode value, DeserializationConfig config) {
        String path = join(basePath, pathOf(mapping.getPath()));
        return switch (mapping) {
            case PropertyBindingException unknown -> unknownField(unknown, basePath, config);
            case InvalidTypeIdException typeId -> badTypeId(typeId, path);
            case InvalidFormatException format -> new ManifestException(path, expected(format.getTargetType(), format.getValue()));
            case InvalidNullException nul -> new ManifestException(path, "expected " + describe(nul.getTargetType()) + ", got null");
            case InvalidDefinitionException definition ->
                    throw new IllegalStateException("Booster cannot map this type; this is a bug in Booster: " + definition.getOriginalMessage(), definition);
            case MismatchedInputException mismatch when rootCause(mismatch) == null -> mismatch(mismatch, path, nodeAt(value, mapping.getPath()));
            case ValueInstantiationException failed when failed.getType() != null ->
                    notInstantiable(failed, path, nodeAt(value, failed.getPath()), config);
            default -> fromCause(mapping, path);
        };
    }

    static String join(String outer, String inner) {
        if (outer.isEmpty()) return inner;
        if (inner.isEmpty()) return outer;
        return inner.startsWith("[") ? outer + inner : outer + "." + inner;
    }

    static String pathOf(List<JsonMappingException.Reference> references) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : references) {
            if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            } else if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) sb.append('.');
                sb.append(ref.getFieldName());
            }
        }
        return sb.toString();
    }

    private static ManifestException syntax(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
            StringBuilder problem = new StringBuilder(at(yaml.getProblemMark())).append(": ").append(yaml.getProblem());
            if (yaml.getContext() != null) {
                problem.append(" (").append(yaml.getContext());
                if (yaml.getContextMark() != null) problem.append(" that starts at ").append(at(yaml.getContextMark()));
                problem.append(')');
            }
            return new ManifestException("", problem.toString());
        }
        String problem = firstLine(e.getOriginalMessage());
        Matcher duplicate = DUPLICATE_FIELD.matcher(problem);
        if (duplicate.matches()) problem = "field \"" + duplicate.group(1) + "\" appears twice";
        return new ManifestException("", located(e, problem));
    }

    private static String located(JsonProcessingException e, String problem) {
        JsonLocation where = e.getLocation();
        return where != null && where.getLineNr() > 0 ? "line " + where.getLineNr() + ", column " + where.getColumnNr() + ": " + problem : problem;
    }

    private static String at(Mark mark) {
        return "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }

    private static ManifestException unknownField(PropertyBindingException e, String basePath, DeserializationConfig config) {
        List<JsonMappingException.Reference> refs = e.getPath();
        String objectPath = join(basePath, pathOf(refs.subList(0, Math.max(0, refs.size() - 1))));
        List<String> known = e.getReferringClass() != null ? knownFields(e.getReferringClass(), config)
                : new ArrayList<>(new LinkedHashSet<>(namesOf(e.getKnownPropertyIds())));
        return unknownField(objectPath, e.getPropertyName(), known);
    }

    /**
     * Jackson reports unknown fields of a record only after its constructor ran, so a misspelt required field shows up
     * as "is required". The misspelling is the real problem: report it first.
     */
    private static Optional<ManifestException> unknownField(JsonNode object, Class<?> type, String path, DeserializationConfig config) {
        if (object == null || !object.isObject()) return Optional.empty();
        JsonIgnoreProperties.Value ignorals = config.getDefaultPropertyIgnorals(type, config.introspectClassAnnotations(type).getClassInfo());
        if (ignorals.getIgnoreUnknown()) return Optional.empty();
        List<String> known = knownFields(type, config);
        if (known.isEmpty()) return Optional.empty();
        Set<String> allowed = new HashSet<>(known);
        allowed.addAll(ignorals.findIgnoredForDeserialization());
        typeIdProperty(type).ifPresent(allowed::add);
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) return Optional.of(unknownField(path, name, known));
        }
        return Optional.empty();
    }

    private static ManifestException unknownField(String objectPath, String name, List<String> known) {
        StringBuilder problem = new StringBuilder("unknown field \"").append(name).append('"');
        closest(name, known).ifPresent(s -> problem.append(" (did you mean \"").append(s).append("\"?)"));
        if (!known.isEmpty()) problem.append("; known fields: ").append(String.join(", ", known));
        return new ManifestException(objectPath, problem.toString());
    }

    /** The fields a manifest may give for {@code type}, in declaration order. */
    private static List<String> knownFields(Class<?> type, DeserializationConfig config) {
        BeanDescription bean = config.introspect(config.constructType(type));
        return bean.findProperties().stream()
                .filter(p -> p.hasConstructorParameter() || p.hasSetter())
                .map(BeanPropertyDefinition::getName)
                .toList();
    }

    /** The field naming the kind of a polymorphic value ({@code type} for pod interfaces), if {@code type} is one. */
    private static Optional<String> typeIdProperty(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                JsonTypeInfo info = i.getAnnotation(JsonTypeInfo.class);
                if (info != null) return Optional.of(info.property().isEmpty() ? info.use().getDefaultPropertyName() : info.property());
            }
            JsonTypeInfo info = c.getAnnotation(JsonTypeInfo.class);
            if (info != null) return Optional.of(info.property().isEmpty() ? info.use().getDefaultPropertyName() : info.property());
        }
        return Optional.empty();
    }

    private static ManifestException badTypeId(InvalidTypeIdException e, String path) {
        Class<?> base = e.getBaseType() == null ? null : e.getBaseType().getRawClass();
        List<String> names = subtypeNames(base);
        String property = typeIdProperty(base).orElse("type");
        String choices = names.isEmpty() ? "" : "; use one of " + String.join(", ", names);
        if (e.getTypeId() == null) {
            return new ManifestException(path, "missing \"" + property + "\"" + choices);
        }
        StringBuilder problem = new StringBuilder("\"").append(e.getTypeId()).append("\" is not a known ").append(property);
        closest(e.getTypeId(), names).ifPresent(s -> problem.append(" (did you mean \"").append(s).append("\"?)"));
        return new ManifestException(join(path, property), problem.append(choices).toString());
    }

    private static ManifestException mismatch(MismatchedInputException e, String path, JsonNode found) {
        Class<?> target = e.getTargetType();
        if (target == null) return new ManifestException(path, "has an unexpected value here");
        String got = found == null ? null : describeNode(found, target == Secret.class);
        return new ManifestException(path, "expected " + describe(target) + (got == null ? "" : ", got " + got));
    }

    /** The node the references lead to from {@code root}, or null when they lead nowhere. */
    private static JsonNode nodeAt(JsonNode root, List<JsonMappingException.Reference> references) {
        JsonNode node = root;
        for (JsonMappingException.Reference ref : references) {
            if (node == null) return null;
            if (ref.getIndex() >= 0) {
                node = node.isArray() ? node.get(ref.getIndex()) : null;
            } else if (ref.getFieldName() != null) {
                node = node.isObject() ? node.get(ref.getFieldName()) : null;
            }
        }
        return node;
    }

    private static ManifestException notInstantiable(ValueInstantiationException e, String path, JsonNode found, DeserializationConfig config) {
        Class<?> type = e.getType().getRawClass();
        boolean container = found != null && found.isContainerNode();
        if (container && knownFields(type, config).isEmpty() && !Collection.class.isAssignableFrom(type) && !Map.class.isAssignableFrom(type)) {
            // A value written as text (an address, a port) was given as an object or list.
            return new ManifestException(path, "expected " + describe(type) + ", got " + describeNode(found, type == Secret.class));
        }
        return unknownField(found, type, path, config).orElseGet(() -> fromCause(e, path));
    }

    /** A constructor, factory or parser refused the value: its own message says why. */
    private static ManifestException fromCause(JsonMappingException e, String path) {
        Throwable cause = rootCause(e);
        return switch (cause) {
            case InvalidSpecException spec -> new ManifestException(path.isEmpty() ? spec.field() : spec.within(path).field(), spec.problem());
            case IllegalArgumentException bad when bad.getMessage() != null && !JAVA_NAME.matcher(bad.getMessage()).find() ->
                    new ManifestException(path, bad.getMessage());
            case NullPointerException missing when missing.getMessage() != null && IDENTIFIER.matcher(missing.getMessage()).matches() ->
                    new ManifestException(join(path, missing.getMessage()), "is required");
            case null -> new ManifestException(path, "is not valid here");
            default -> {
                ManifestException unexpected = new ManifestException(path, "is not valid");
                unexpected.initCause(cause);
                yield unexpected;
            }
        };
    }

    /** The first cause that is not one of Jackson's own exceptions (what a constructor or parser threw), or null. */
    private static Throwable rootCause(Throwable e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (!(t instanceof JsonProcessingException)) return t;
        }
        return null;
    }

    private static String expected(Class<?> target, Object value) {
        String shown = target == Secret.class ? "a value" : show(value);
        if (target != null && target.isEnum()) {
            List<String> names = enumNames(target);
            StringBuilder problem = new StringBuilder(shown).append(" is not one of ").append(String.join(", ", names));
            if (value instanceof String s) closest(s, names).ifPresent(c -> problem.append(" (did you mean \"").append(c).append("\"?)"));
            return problem.toString();
        }
        String got = target == Secret.class ? "a value" : switch (value) {
            case String text -> "the string " + show(text);
            case Number number -> "the number " + number;
            case null -> "null";
            default -> shown;
        };
        return "expected " + describe(target) + ", got " + got;
    }

    /** What a value of {@code type} looks like in a manifest, in words. */
    static String describe(Class<?> type) {
        if (type == null) return "a value";
        if (type == String.class || type == Secret.class) return "a string";
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class || type == short.class
                || type == Short.class || type == byte.class || type == Byte.class || type == BigInteger.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class
                || type == BigDecimal.class || type == Number.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) return "true or false";
        if (type.isEnum()) return "one of " + String.join(", ", enumNames(type));
        if (type.isArray() || Collection.class.isAssignableFrom(type)) return "a list";
        if (Map.class.isAssignableFrom(type)) return "a map";
        if (IpAddress.class.isAssignableFrom(type)) return "an IP address such as 10.0.0.1 or fd00::1";
        if (type == IpPrefix.class) return "a CIDR prefix such as 10.0.0.0/8";
        if (type == InterfaceAddress.class) return "an address with prefix length such as 10.1.0.5/24";
        if (type == MacAddress.class) return "a MAC address such as 02:00:00:00:00:01";
        if (PortRef.class.isAssignableFrom(type)) return "a port number (1..65535) or port name";
        if (type == Path.class) return "a path";
        if (type == Duration.class) return "an ISO-8601 duration such as PT30S";
        if (type == Instant.class) return "an ISO-8601 time such as 2025-01-01T00:00:00Z";
        return "an object";
    }

    /** What was found instead, in words; {@code hideValue} for secrets, whose text must not reach a message. */
    static String describeNode(JsonNode node, boolean hideValue) {
        return switch (node.getNodeType()) {
            case OBJECT, POJO -> "an object";
            case ARRAY -> "a list";
            case STRING -> hideValue ? "a string" : "the string " + show(node.asText());
            case NUMBER -> hideValue ? "a number" : "the number " + node.asText();
            case BOOLEAN -> hideValue ? "a boolean" : node.asText();
            case NULL, MISSING -> "null";
            case BINARY -> "binary data";
        };
    }

    private static String show(Object value) {
        if (value == null) return "null";
        if (value instanceof String s) {
            String cut = s.length() > MAX_SHOWN_TEXT ? s.substring(0, MAX_SHOWN_TEXT) + "..." : s;
            return "\"" + cut.replace("\n", "\\n") + "\"";
        }
        if (value instanceof Number || value instanceof Boolean) return value.toString();
        return "a value";
    }

    /** The names an enum has in manifests: its {@code @JsonProperty} names where it has them. */
    static List<String> enumNames(Class<?> enumType) {
        return Arrays.stream(enumType.getEnumConstants()).map(c -> {
            try {
                JsonProperty renamed = enumType.getField(((Enum<?>) c).name()).getAnnotation(JsonProperty.class);
                return renamed != null && !renamed.value().isEmpty() ? renamed.value() : ((Enum<?>) c).name();
            } catch (NoSuchFieldException e) {
                return ((Enum<?>) c).name();
            }
        }).toList();
    }

    private static List<String> subtypeNames(Class<?> base) {
        JsonSubTypes subtypes = base == null ? null : base.getAnnotation(JsonSubTypes.class);
        if (subtypes == null) return List.of();
        return Arrays.stream(subtypes.value()).map(JsonSubTypes.Type::name).toList();
    }

    private static List<String> namesOf(Collection<Object> ids) {
        return ids == null ? List.of() : ids.stream().map(String::valueOf).toList();
    }

    /** The candidate a typo most likely meant: within a third of the word's length in edits (at least 2). */
    static Optional<String> closest(String word, Collection<String> candidates) {
        int limit = Math.max(2, word.length() / 3);
        return candidates.stream()
                .filter(c -> !c.equals(word))
                .map(c -> Map.entry(c, editDistance(word.toLowerCase(), c.toLowerCase())))
                .filter(e -> e.getValue() <= limit)
                .min(Comparator.comparingInt(Map.Entry::getValue))
                .map(Map.Entry::getKey);
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) previous[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static String firstLine(String message) {
        if (message == null) return "cannot be read";
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
