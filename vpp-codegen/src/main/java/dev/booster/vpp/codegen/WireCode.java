package dev.booster.vpp.codegen;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Java snippets for one {@link Wire}: its Java type, the runtime metadata expression, the encode statements,
 * the decode expression, the constructor checks and the zero value. Every construct of the JSON is handled here
 * and only here.
 */
final class WireCode {

    private final WireResolver resolver;

    WireCode(WireResolver resolver) {
        this.resolver = resolver;
    }

    String javaType(Wire wire) {
        return switch (wire) {
            case Wire.Scalar(ScalarKind kind) -> kind.javaType();
            case Wire.FixedString _ -> "String";
            case Wire.VariableString _ -> "String";
            case Wire.FixedArray(Wire element, _) -> wire.isBytes() ? "ByteArray" : listOf(element);
            case Wire.CountedArray(Wire element, _, _) -> wire.isBytes() ? "ByteArray" : listOf(element);
            case Wire.Named(ApiDefinition definition) -> JavaNames.typeName(definition.name());
        };
    }

    private String listOf(Wire element) {
        return "java.util.List<" + boxedType(element) + ">";
    }

    private String boxedType(Wire wire) {
        return wire instanceof Wire.Scalar(ScalarKind kind) ? kind.boxedType() : javaType(wire);
    }

    /** The {@code VppWireType} expression describing {@code wire} at run time. */
    String runtimeType(Wire wire) {
        return switch (wire) {
            case Wire.Scalar(ScalarKind kind) -> kind.runtimeConstant();
            case Wire.FixedString(int length) -> "new VppWireType.FixedString(" + length + ")";
            case Wire.VariableString _ -> "new VppWireType.VariableString()";
            case Wire.FixedArray(Wire element, int length) ->
                    "new VppWireType.FixedArray(" + runtimeType(element) + ", " + length + ")";
            case Wire.CountedArray(Wire element, String countField, ScalarKind countKind) ->
                    "new VppWireType.CountedArray(" + runtimeType(element) + ", " + SourceWriter.quote(countField)
                            + ", " + countKind.runtimeConstant() + ")";
            case Wire.Named(ApiDefinition definition) -> {
                String reference = switch (definition) {
                    case ApiDefinition.Struct _ -> "StructRef";
                    case ApiDefinition.Alias _ -> "StructRef";
                    case ApiDefinition.Union _ -> "UnionRef";
                    case ApiDefinition.Enum _ -> "EnumRef";
                };
                yield "new VppWireType." + reference + "(" + JavaNames.typeName(definition.name()) + ".TYPE)";
            }
        };
    }

    /** Statements writing {@code expression} (of {@link #javaType}) to {@code writer}. */
    List<String> encode(Wire wire, String expression) {
        return switch (wire) {
            case Wire.Scalar(ScalarKind kind) -> List.of("writer." + kind.codecMethod() + "(" + expression + ");");
            case Wire.FixedString(int length) -> List.of("writer.fixedString(" + expression + ", " + length + ");");
            case Wire.VariableString _ -> List.of("writer.variableString(" + expression + ");");
            case Wire.FixedArray(Wire element, _) -> encodeArray(wire, element, expression);
            case Wire.CountedArray(Wire element, _, _) -> encodeArray(wire, element, expression);
            case Wire.Named(ApiDefinition definition) ->
                    List.of(JavaNames.typeName(definition.name()) + ".encode(" + expression + ", writer);");
        };
    }

    private List<String> encodeArray(Wire array, Wire element, String expression) {
        if (array.isBytes()) {
            return List.of("writer.bytes(" + expression + ");");
        }
        List<String> lines = new ArrayList<>();
        lines.add("for (" + javaType(element) + " element : " + expression + ") {");
        for (String line : encode(element, "element")) {
            lines.add("    " + line);
        }
        lines.add("}");
        return lines;
    }

    /** The statement writing a count field from the size of the array it counts. */
    String encodeCount(ScalarKind countKind, Wire array, String arrayExpression) {
        String size = arrayExpression + (array.isBytes() ? ".length()" : ".size()");
        return "writer." + countKind.codecMethod() + "(" + size + ");";
    }

    /**
     * An expression reading a {@code wire} value from {@code reader}; {@code owner} names the field in decode errors,
     * {@code countLocal} is the local holding the element count of a counted array.
     */
    String decode(Wire wire, String owner, Optional<String> countLocal) {
        return switch (wire) {
            case Wire.Scalar(ScalarKind kind) -> "reader." + kind.codecMethod() + "()";
            case Wire.FixedString(int length) -> "reader.fixedString(" + length + ")";
            case Wire.VariableString _ -> "reader.variableString()";
            case Wire.FixedArray(Wire element, int length) -> wire.isBytes() ? "reader.bytes(" + length + ")"
                    : "reader.list(" + length + ", " + decoderReference(element) + ")";
            case Wire.CountedArray(Wire element, _, _) -> {
                String count = "reader.count(" + countLocal.orElseThrow() + ", " + Math.max(1, resolver.minSize(element))
                        + ", " + SourceWriter.quote(owner) + ")";
                yield wire.isBytes() ? "reader.bytes(" + count + ")"
                        : "reader.list(" + count + ", " + decoderReference(element) + ")";
            }
            case Wire.Named(ApiDefinition definition) -> JavaNames.typeName(definition.name()) + ".decode(reader)";
        };
    }

    private String decoderReference(Wire element) {
        return switch (element) {
            case Wire.Scalar(ScalarKind kind) -> "VppReader::" + kind.codecMethod();
            case Wire.Named(ApiDefinition definition) -> JavaNames.typeName(definition.name()) + "::decode";
            default -> throw new ApiFormatException("arrays of " + element + " are not supported");
        };
    }

    /**
     * Constructor statements checking component {@code name} ({@code field} in errors); lists are replaced by
     * immutable copies.
     */
    List<String> checks(Wire wire, String name, String field) {
        String quoted = SourceWriter.quote(field);
        return switch (wire) {
            case Wire.Scalar(ScalarKind kind) -> needsRangeCheck(kind)
                    ? List.of("VppChecks.scalar(" + quoted + ", " + kind.runtimeConstant() + ", " + name + ");")
                    : List.of();
            case Wire.FixedString(int length) ->
                    List.of("VppChecks.fixedString(" + quoted + ", " + name + ", " + length + ");");
            case Wire.VariableString _ -> List.of("VppChecks.variableString(" + quoted + ", " + name + ");");
            case Wire.FixedArray(Wire element, int length) -> wire.isBytes()
                    ? List.of("VppChecks.fixedBytes(" + quoted + ", " + name + ", " + length + ");")
                    : withElementChecks(element, name, quoted,
                    name + " = VppChecks.fixedList(" + quoted + ", " + name + ", " + length + ");");
            case Wire.CountedArray(Wire element, String countField, ScalarKind countKind) -> wire.isBytes()
                    ? List.of("VppChecks.countedBytes(" + quoted + ", " + name + ", " + SourceWriter.quote(countField)
                    + ", " + countKind.runtimeConstant() + ");")
                    : withElementChecks(element, name, quoted, name + " = VppChecks.countedList(" + quoted + ", "
                    + name + ", " + SourceWriter.quote(countField) + ", " + countKind.runtimeConstant() + ");");
            case Wire.Named _ -> List.of("VppChecks.notNull(" + quoted + ", " + name + ");");
        };
    }

    private static List<String> withElementChecks(Wire element, String name, String quoted, String copy) {
        if (element instanceof Wire.Scalar(ScalarKind kind) && needsRangeCheck(kind)) {
            return List.of(copy, "VppChecks.scalarElements(" + quoted + ", " + kind.runtimeConstant() + ", " + name
                    + ");");
        }
        return List.of(copy);
    }

    /** Scalars whose Java type holds values the wire type cannot (u32 in a long, u8 in an int...). */
    static boolean needsRangeCheck(ScalarKind kind) {
        return kind == ScalarKind.U8 || kind == ScalarKind.I8 || kind == ScalarKind.U16 || kind == ScalarKind.I16
                || kind == ScalarKind.U32;
    }

    /** The value a builder starts from: the JSON's default, else the all-zero value (empty for variable arrays). */
    String initialValue(Wire wire, Optional<Object> defaultValue) {
        if (defaultValue.isPresent()) {
            if (wire instanceof Wire.Scalar(ScalarKind kind)) {
                return kind.literal(defaultValue.get());
            }
            if (wire instanceof Wire.Named(ApiDefinition.Enum enumeration)) {
                return "new " + JavaNames.typeName(enumeration.name()) + "("
                        + Long.parseLong(defaultValue.get().toString()) + "L)";
            }
            throw new ApiFormatException("a default of " + defaultValue.get() + " for a " + javaType(wire)
                    + " is not supported");
        }
        return zero(wire);
    }

    String zero(Wire wire) {
        return switch (wire) {
            case Wire.Scalar(ScalarKind kind) -> switch (kind) {
                case BOOL -> "false";
                case F64 -> "0.0d";
                case U32, U64, I64 -> "0L";
                default -> "0";
            };
            case Wire.FixedString _ -> "\"\"";
            case Wire.VariableString _ -> "\"\"";
            case Wire.FixedArray(Wire element, int length) -> wire.isBytes() ? "ByteArray.zeros(" + length + ")"
                    : "java.util.Collections.nCopies(" + length + ", " + zero(element) + ")";
            case Wire.CountedArray _ -> wire.isBytes() ? "ByteArray.empty()" : "java.util.List.of()";
            case Wire.Named(ApiDefinition definition) -> {
                String type = JavaNames.typeName(definition.name());
                yield switch (definition) {
                    case ApiDefinition.Struct _ -> type + ".builder().build()";
                    case ApiDefinition.Alias alias -> "new " + type + "(" + zero(resolver.aliasArray(alias)) + ")";
                    case ApiDefinition.Union _ -> "new " + type + "(ByteArray.zeros(" + type + ".SIZE))";
                    case ApiDefinition.Enum _ -> "new " + type + "(0L)";
                };
            }
        };
    }
}
