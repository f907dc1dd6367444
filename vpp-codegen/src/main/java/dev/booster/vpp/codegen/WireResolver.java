package dev.booster.vpp.codegen;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Turns the JSON's type names and array forms into {@link Wire}s, and knows their sizes. */
final class WireResolver {

    private final Map<String, ApiDefinition> types;
    private final Map<String, OptionalInt> fixedSizes = new HashMap<>();

    WireResolver(Map<String, ApiDefinition> types) {
        this.types = types;
    }

    /** {@code vl_api_address_t} → {@code address}; base types and bare names stay as they are. */
    static String definitionName(String typeName) {
        if (typeName.startsWith("vl_api_") && typeName.endsWith("_t")) {
            return typeName.substring("vl_api_".length(), typeName.length() - 2);
        }
        return typeName;
    }

    ApiDefinition definition(String where, String typeName) {
        ApiDefinition definition = types.get(definitionName(typeName));
        if (definition == null) {
            throw new ApiFormatException(where + ": unknown type " + typeName
                    + " (not defined in, nor imported by, the API files being generated)");
        }
        return definition;
    }

    Wire resolveType(String where, String typeName) {
        Optional<ScalarKind> scalar = ScalarKind.fromApiName(typeName);
        if (scalar.isPresent()) {
            return new Wire.Scalar(scalar.get());
        }
        if (typeName.equals("string")) {
            throw new ApiFormatException(where + ": 'string' needs a length ([\"string\", name, N] or 0)");
        }
        ApiDefinition definition = definition(where, typeName);
        if (definition instanceof ApiDefinition.Alias alias && alias.length() < 0) {
            return resolveType(where + " (alias " + alias.name() + ")", alias.type());
        }
        return new Wire.Named(definition);
    }

    /** The layout of an alias of an array, e.g. {@code ip4_address} = {@code u8[4]}. */
    Wire aliasArray(ApiDefinition.Alias alias) {
        if (alias.length() <= 0) {
            throw new ApiFormatException("alias " + alias.name() + ": only fixed-length arrays can be aliased, got "
                    + "length " + alias.length());
        }
        return new Wire.FixedArray(resolveType("alias " + alias.name(), alias.type()), alias.length());
    }

    Wire resolveField(String owner, ApiField field, List<ApiField> siblings) {
        String where = owner + "." + field.name();
        if (field.type().equals("string")) {
            if (field.countField().isPresent() || !field.isArray()) {
                throw new ApiFormatException(where + ": a string is [\"string\", name, N] or [\"string\", name, 0];"
                        + " got length " + field.length() + " count " + field.countField().orElse("none"));
            }
            return field.length() > 0 ? new Wire.FixedString(field.length()) : new Wire.VariableString();
        }
        Wire base = resolveType(where, field.type());
        if (!field.isArray()) {
            return base;
        }
        if (field.countField().isPresent()) {
            String countName = field.countField().get();
            int arrayIndex = siblings.indexOf(field);
            ApiField count = siblings.stream().filter(f -> f.name().equals(countName)).findFirst()
                    .orElseThrow(() -> new ApiFormatException(where + ": count field " + countName
                            + " is not a field of " + owner));
            if (siblings.indexOf(count) > arrayIndex) {
                throw new ApiFormatException(where + ": count field " + countName + " comes after the array");
            }
            if (!(resolveType(owner + "." + countName, count.type()) instanceof Wire.Scalar(ScalarKind kind))
                    || !kind.isUnsignedInteger() || count.isArray()) {
                throw new ApiFormatException(where + ": count field " + countName + " is " + count.type()
                        + ", not an unsigned integer");
            }
            return new Wire.CountedArray(base, countName, kind);
        }
        if (field.length() > 0) {
            return new Wire.FixedArray(base, field.length());
        }
        throw new ApiFormatException(where + ": a variable-length array without a count field; VPP v26.06 has"
                + " none outside strings, so this generator does not know how long it is");
    }

    /** The wire size when it does not depend on the value. */
    OptionalInt fixedSize(Wire wire) {
        return switch (wire) {
            case Wire.Scalar(ScalarKind kind) -> OptionalInt.of(kind.size());
            case Wire.FixedString(int length) -> OptionalInt.of(length);
            case Wire.VariableString _ -> OptionalInt.empty();
            case Wire.CountedArray _ -> OptionalInt.empty();
            case Wire.FixedArray(Wire element, int length) -> {
                OptionalInt size = fixedSize(element);
                yield size.isPresent() ? OptionalInt.of(size.getAsInt() * length) : OptionalInt.empty();
            }
            case Wire.Named(ApiDefinition definition) -> definitionSize(definition);
        };
    }

    /** The fewest bytes a value can take (empty arrays and strings). */
    int minSize(Wire wire) {
        return switch (wire) {
            case Wire.Scalar(ScalarKind kind) -> kind.size();
            case Wire.FixedString(int length) -> length;
            case Wire.VariableString _ -> 4;
            case Wire.CountedArray _ -> 0;
            case Wire.FixedArray(Wire element, int length) -> minSize(element) * length;
            case Wire.Named(ApiDefinition definition) -> switch (definition) {
                case ApiDefinition.Struct struct -> struct.fields().stream()
                        .mapToInt(f -> minSize(resolveField(struct.name(), f, struct.fields()))).sum();
                case ApiDefinition.Alias alias -> minSize(aliasArray(alias));
                case ApiDefinition.Union union -> unionSize(union);
                case ApiDefinition.Enum enumeration -> enumKind(enumeration).size();
            };
        };
    }

    ScalarKind enumKind(ApiDefinition.Enum enumeration) {
        if (!(resolveType("enum " + enumeration.name(), enumeration.enumType()) instanceof Wire.Scalar(ScalarKind kind))
                || kind == ScalarKind.F64 || kind == ScalarKind.BOOL) {
            throw new ApiFormatException("enum " + enumeration.name() + ": enumtype " + enumeration.enumType()
                    + " is not an integer type");
        }
        return kind;
    }

    int unionSize(ApiDefinition.Union union) {
        int size = 0;
        for (ApiField member : union.members()) {
            OptionalInt memberSize = fixedSize(resolveField(union.name(), member, union.members()));
            if (memberSize.isEmpty()) {
                throw new ApiFormatException("union " + union.name() + ": member " + member.name()
                        + " has no fixed size, so the union has none");
            }
            size = Math.max(size, memberSize.getAsInt());
        }
        return size;
    }

    private OptionalInt definitionSize(ApiDefinition definition) {
        OptionalInt known = fixedSizes.get(definition.name());
        if (known != null) {
            return known;
        }
        OptionalInt size = switch (definition) {
            case ApiDefinition.Struct struct -> {
                int total = 0;
                boolean fixed = true;
                for (ApiField field : struct.fields()) {
                    OptionalInt fieldSize = fixedSize(resolveField(struct.name(), field, struct.fields()));
                    fixed &= fieldSize.isPresent();
                    total += fieldSize.orElse(0);
                }
                yield fixed ? OptionalInt.of(total) : OptionalInt.empty();
            }
            case ApiDefinition.Alias alias -> fixedSize(aliasArray(alias));
            case ApiDefinition.Union union -> OptionalInt.of(unionSize(union));
            case ApiDefinition.Enum enumeration -> OptionalInt.of(enumKind(enumeration).size());
        };
        fixedSizes.put(definition.name(), size);
        return size;
    }
}
