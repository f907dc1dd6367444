package dev.booster.config;

import dev.booster.api.InvalidSpecException;

import java.util.Optional;

/**
 * A manifest could not be read. The message reads {@code <path>: <problem>}, the path in Kubernetes style
 * ({@code items[2].spec.ingress[0].ports[1].port}), preceded by {@code document N: } when the input holds several
 * YAML documents and by the file name when read from a file. Syntax errors have no path; their problem starts with
 * {@code line L, column C}.
 */
public final class ManifestException extends InvalidSpecException {
    private final String source;
    private final int document;

    public ManifestException(String path, String problem) {
        this("", 0, path, problem);
    }

    private ManifestException(String source, int document, String path, String problem) {
        super(path, problem);
        this.source = source;
        this.document = document;
    }

    /** The path of the offending value in the document (empty for the whole document or a syntax error). */
    public String path() {
        return field();
    }

    /** The 1-based YAML document the problem is in, when the input held several. */
    public Optional<Integer> document() {
        return document > 0 ? Optional.of(document) : Optional.empty();
    }

    /** The file the manifest came from, when read from one. */
    public Optional<String> source() {
        return source.isEmpty() ? Optional.empty() : Optional.of(source);
    }

    ManifestException inDocument(int number) {
        return copy(source, number);
    }

    ManifestException inFile(String name) {
        return copy(name, document);
    }

    private ManifestException copy(String newSource, int newDocument) {
        ManifestException moved = new ManifestException(newSource, newDocument, path(), problem());
        moved.setStackTrace(getStackTrace());
        return moved;
    }

    @Override
    public String getMessage() {
        StringBuilder sb = new StringBuilder();
        if (!source.isEmpty()) sb.append(source).append(": ");
        if (document > 0) sb.append("document ").append(document).append(": ");
        return sb.append(super.getMessage()).toString();
    }
}
