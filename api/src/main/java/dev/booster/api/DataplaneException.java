package dev.booster.api;

/** A backend failed to do what was asked (a system call, a native library, a remote dataplane). The message says what and why. */
public class DataplaneException extends RuntimeException {
    public DataplaneException(String message) {
        super(message);
    }

    public DataplaneException(String message, Throwable cause) {
        super(message, cause);
    }
}
