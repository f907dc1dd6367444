package dev.booster.host.link;

import java.time.Duration;
import java.util.List;

/** Runs a host command to completion or its timeout; a seam so tests can see the commands without running them. */
@FunctionalInterface
public interface CommandRunner {
    /**
     * Runs {@code command} (argv, no shell) and returns its result whatever the exit code.
     *
     * @throws CommandFailedException the command could not start or outlived {@code timeout} (it is killed then)
     */
    CommandResult run(List<String> command, Duration timeout);

    /** Runs commands as child processes. */
    static CommandRunner processes() {
        return ProcessCommandRunner.INSTANCE;
    }
}
