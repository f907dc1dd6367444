package dev.booster.cli;

import java.util.List;

/** One subcommand of {@code booster}. */
interface Command {

    /** What the user types, e.g. {@code providers}. */
    String name();

    /** One line for the help text. */
    String summary();

    /**
     * Runs with the arguments that followed the command's name.
     *
     * @return the exit code
     * @throws UsageException the arguments are wrong; the caller prints the usage
     */
    int run(List<String> args);

    /** For commands that take no arguments. */
    static void expectNoArguments(String command, List<String> args) {
        if (!args.isEmpty()) throw new UsageException("'" + command + "' takes no arguments, got " + String.join(" ", args));
    }
}
