package dev.booster.vpp.codegen;

import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The kinds of construct a set of API files uses (field layouts, enum sizes, headers, service shapes...), each as
 * a short phrase, per message ({@code "message NAME"}) and type ({@code "type NAME"}). Comparing censuses shows
 * whether generating one set exercises everything another needs, and which definitions would.
 */
final class ConstructCensus {

    private final WireResolver resolver;
    private final Map<String, SortedSet<String>> byDefinition = new TreeMap<>();
    private SortedSet<String> constructs;

    private ConstructCensus(ApiDefinitions api) {
        this.resolver = new WireResolver(api.types());
        for (ApiDefinition definition : api.types().values()) {
            constructs = byDefinition.computeIfAbsent("type " + definition.name(), d -> new TreeSet<>());
            switch (definition) {
                case ApiDefinition.Struct struct -> fields("field", struct.name(), struct.fields());
                case ApiDefinition.Union union -> fields("union member", union.name(), union.members());
                case ApiDefinition.Enum enumeration -> constructs.add("type: " + enumKind(enumeration)
                        + (enumeration.values().isEmpty() ? " without values" : ""));
                case ApiDefinition.Alias alias -> {
                    Wire target = alias.length() < 0 ? resolver.resolveType(alias.name(), alias.type())
                            : resolver.aliasArray(alias);
                    constructs.add("type: alias of " + kind(target));
                    arrayAspects(target);
                }
            }
        }
        for (ApiMessage message : api.messages().values()) {
            constructs = byDefinition.computeIfAbsent("message " + message.name(), d -> new TreeSet<>());
            List<ApiField> fields = message.fields();
            boolean client = fields.size() > 1 && fields.get(1).name().equals("client_index");
            boolean context = fields.stream().skip(1).limit(2).anyMatch(f -> f.name().equals("context"));
            constructs.add("message header: " + (client ? "client_index" : "") + (client && context ? "+" : "")
                    + (context ? "context" : "") + (!client && !context ? "id only" : ""));
            fields("field", message.name(), fields.subList(1, fields.size()));
            if (fields.stream().anyMatch(f -> f.name().equals("retval") && f.type().equals("i32"))) {
                constructs.add("message: with i32 retval");
            }
        }
        for (ApiService service : api.services().values()) {
            constructs = byDefinition.computeIfAbsent("message " + service.request(), d -> new TreeSet<>());
            constructs.add("service: " + (!service.hasReply() ? "no reply"
                    : service.streamMessage().isPresent() ? "details then reply"
                    : service.stream() ? "dump" : "reply") + (service.events().isEmpty() ? "" : " and events"));
        }
    }

    /** Every construct the definitions use. */
    static SortedSet<String> of(ApiDefinitions api) {
        SortedSet<String> all = new TreeSet<>();
        byDefinition(api).values().forEach(all::addAll);
        return all;
    }

    /** The constructs each message and type uses ({@code "message NAME"} / {@code "type NAME"} → constructs). */
    static Map<String, SortedSet<String>> byDefinition(ApiDefinitions api) {
        return new ConstructCensus(api).byDefinition;
    }

    private void fields(String role, String owner, List<ApiField> fields) {
        for (ApiField field : fields) {
            Wire wire = resolver.resolveField(owner, field, fields);
            constructs.add(role + ": " + kind(wire));
            arrayAspects(wire);
            // A default only changes the literal a builder starts from: its Java type is what matters.
            field.defaultValue().ifPresent(value -> constructs.add("default of "
                    + (wire instanceof Wire.Scalar(ScalarKind kind) ? kind.javaType() : "enum")));
            String javaName = JavaNames.componentName(field.name());
            if (javaName.endsWith("_")) {
                constructs.add("name: renamed to " + javaName + " (keyword or reserved)");
            }
        }
    }

    /**
     * An array's code is the same for every named element type (struct, alias, union or enum: {@code X::decode}),
     * and its count is read and written like any scalar: the array, its element and its count are separate facts.
     */
    private void arrayAspects(Wire wire) {
        switch (wire) {
            case Wire.FixedArray(Wire element, _) -> constructs.add("array: fixed, of " + elementKind(element));
            case Wire.CountedArray(Wire element, _, ScalarKind count) -> {
                constructs.add("array: counted, of " + elementKind(element));
                constructs.add("array: count field " + count.apiName());
            }
            default -> {
            }
        }
    }

    private String elementKind(Wire element) {
        return element instanceof Wire.Scalar(ScalarKind kind) ? kind.apiName() : "named type";
    }

    /** A field's kind; an array is reduced to its shape, its aspects are counted by {@link #arrayAspects}. */
    private String kind(Wire wire) {
        return switch (wire) {
            case Wire.Scalar(ScalarKind kind) -> kind.apiName();
            case Wire.FixedString _ -> "string[N]";
            case Wire.VariableString _ -> "string[]";
            case Wire.FixedArray _ -> "fixed array";
            case Wire.CountedArray _ -> "counted array";
            case Wire.Named(ApiDefinition definition) -> switch (definition) {
                case ApiDefinition.Struct _ -> "struct";
                case ApiDefinition.Union _ -> "union";
                case ApiDefinition.Enum enumeration -> enumKind(enumeration);
                case ApiDefinition.Alias alias -> "alias of " + kind(resolver.aliasArray(alias));
            };
        };
    }

    private String enumKind(ApiDefinition.Enum enumeration) {
        return (enumeration.flags() ? "enumflag " : JavaEmitter.isFlags(enumeration) ? "enum *_flags " : "enum ")
                + resolver.enumKind(enumeration).apiName();
    }
}
