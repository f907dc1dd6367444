package dev.booster.vpp.codegen;

import java.util.Set;

/** How VPP's snake_case names become Java names. */
final class JavaNames {

    private static final Set<String> KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case",
            "catch", "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends",
            "final", "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int",
            "interface", "long", "native", "new", "package", "private", "protected", "public", "return", "short",
            "static", "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try",
            "void", "volatile", "while", "true", "false", "null", "record", "var", "yield", "sealed", "permits",
            "non-sealed", "when", "_");

    /**
     * Names a record component cannot take: methods every record has or the generated ones add (accessors would
     * clash), and the parameter names of the generated codecs.
     */
    private static final Set<String> RESERVED_COMPONENTS = Set.of("toString", "hashCode", "equals", "getClass",
            "notify", "notifyAll", "wait", "clone", "finalize", "messageType", "replyType", "detailsType", "encode",
            "decode", "builder", "build", "reader", "writer");

    private JavaNames() {
    }

    /** {@code vl_api_sw_interface_dump_t} or {@code sw_interface_dump} → {@code SwInterfaceDump}. */
    static String typeName(String vppName) {
        String camel = camel(WireResolver.definitionName(vppName));
        return Character.toUpperCase(camel.charAt(0)) + camel.substring(1);
    }

    /** {@code sw_if_index} → {@code swIfIndex}; a Java keyword or reserved name gets a trailing {@code _}. */
    static String componentName(String vppName) {
        String camel = camel(vppName);
        String name = Character.toLowerCase(camel.charAt(0)) + camel.substring(1);
        return KEYWORDS.contains(name) || RESERVED_COMPONENTS.contains(name) ? name + "_" : name;
    }

    /** A union member's factory: {@code ip4} → {@code ofIp4}. */
    static String factoryName(String componentName) {
        String bare = componentName.endsWith("_") ? componentName.substring(0, componentName.length() - 1)
                : componentName;
        return "of" + Character.toUpperCase(bare.charAt(0)) + bare.substring(1);
    }

    private static String camel(String snake) {
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                upper = out.length() > 0;
            } else if (Character.isLetterOrDigit(c)) {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            } else {
                throw new ApiFormatException("name " + snake + " has a character Java names cannot: '" + c + "'");
            }
        }
        if (out.isEmpty() || Character.isDigit(out.charAt(0))) {
            out.insert(0, 'v');
        }
        return out.toString();
    }

    static boolean isJavaIdentifier(String name) {
        if (name.isEmpty() || !Character.isJavaIdentifierStart(name.charAt(0)) || KEYWORDS.contains(name)) {
            return false;
        }
        return name.chars().allMatch(Character::isJavaIdentifierPart);
    }
}
