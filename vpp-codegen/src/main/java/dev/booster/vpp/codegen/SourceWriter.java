package dev.booster.vpp.codegen;

/** Java source text with four-space indentation; {@code open} and {@code close} follow the braces. */
final class SourceWriter {

    private final StringBuilder out = new StringBuilder();
    private int depth;

    SourceWriter line(String text) {
        if (!text.isEmpty()) {
            out.append("    ".repeat(depth)).append(text);
        }
        out.append('\n');
        return this;
    }

    SourceWriter blank() {
        return line("");
    }

    /** A line ending in {@code {}, indenting what follows. */
    SourceWriter open(String text) {
        line(text + " {");
        depth++;
        return this;
    }

    SourceWriter close() {
        return close("}");
    }

    /** Unindents and writes {@code text}, e.g. {@code "});"}. */
    SourceWriter close(String text) {
        depth--;
        return line(text);
    }

    /**
     * Text from an {@code .api.json} made safe for a javadoc comment: nothing in it can end the comment, start a
     * tag, open HTML or form a unicode escape.
     */
    static String escapeForComment(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("@", "&#64;")
                .replace("*/", "*&#47;").replace("\\", "&#92;").replace("/*", "/&#42;");
    }

    /** A javadoc comment of trusted text (escape what comes from the JSON with {@link #escapeForComment}). */
    SourceWriter javadoc(String text) {
        line("/**");
        for (String line : text.strip().split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("*")) {
                trimmed = trimmed.substring(1).strip();
            }
            line(trimmed.isEmpty() ? " *" : " * " + trimmed);
        }
        return line(" */");
    }

    /** A Java string literal of {@code text}. */
    static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
