package dev.booster.api;

/**
 * A spec, config or policy value is not acceptable. {@link #field()} names the offending field as a dotted path
 * relative to the object that was being built (e.g. {@code ports[1].port}); readers that know where the object sits
 * in a larger document prepend their own path.
 */
public class InvalidSpecException extends IllegalArgumentException {
    private final String field;
    private final String problem;

    public InvalidSpecException(String field, String problem) {
        super(field == null || field.isEmpty() ? problem : field + ": " + problem);
        this.field = field == null ? "" : field;
        this.problem = problem;
    }

    /** The path of the offending field, empty when the whole value is at fault. */
    public String field() {
        return field;
    }

    /** What is wrong and, where it helps, how to fix it. */
    public String problem() {
        return problem;
    }

    /** The same problem, located one level further out: {@code within("spec")} turns {@code port} into {@code spec.port}. */
    public InvalidSpecException within(String outerField) {
        String path = field.isEmpty() ? outerField : field.startsWith("[") ? outerField + field : outerField + "." + field;
        InvalidSpecException moved = new InvalidSpecException(path, problem);
        moved.setStackTrace(getStackTrace());
        return moved;
    }
}
