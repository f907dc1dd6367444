package dev.booster.host.link;

import java.util.List;

/** A host command failed, could not start, or timed out; the message holds the command line and its stderr. */
public final class CommandFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<String> command;
    private final int exitCode;
    private final String stderr;

    public CommandFailedException(List<String> command, int exitCode, String stderr) {
        super("`" + String.join(" ", command) + "` failed" + (exitCode >= 0 ? " with exit code " + exitCode : "")
                + (stderr.isBlank() ? "" : ": " + stderr.strip()));
        this.command = List.copyOf(command);
        this.exitCode = exitCode;
        this.stderr = stderr;
    }

    public List<String> command() {
        return command;
    }

    /** The exit code, or -1 when the command did not start or was killed at its timeout. */
    public int exitCode() {
        return exitCode;
    }

    public String stderr() {
        return stderr;
    }
}
