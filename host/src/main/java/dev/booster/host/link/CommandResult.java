package dev.booster.host.link;

import java.util.List;

/** What a finished command said: its exit code and its output. */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {
    public CommandResult {
        command = List.copyOf(command);
    }

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** This result, or {@link CommandFailedException} with the command's stderr when it failed. */
    public CommandResult orThrow() {
        if (!succeeded()) throw new CommandFailedException(command, exitCode, stderr);
        return this;
    }
}
