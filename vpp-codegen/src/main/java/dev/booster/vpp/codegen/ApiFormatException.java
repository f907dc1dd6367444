package dev.booster.vpp.codegen;

/** An {@code .api.json} this generator cannot turn into Java, with the file, the element and why. */
public final class ApiFormatException extends RuntimeException {
    public ApiFormatException(String message) {
        super(message);
    }
}
