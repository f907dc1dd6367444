package dev.booster.cli;

/** The command line was wrong: exit code 2, with the usage on stderr. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
