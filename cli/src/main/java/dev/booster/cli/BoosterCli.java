package dev.booster.cli;

import dev.booster.spi.Dataplanes;
import dev.booster.spi.Discovery;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@code booster} command: {@code providers}, {@code demo}, {@code cleanup}, {@code version}, {@code help}.
 *
 * <p>Exit codes: 0 done, 1 failed (one line on stderr saying why; {@code BOOSTER_DEBUG=1} adds the stack trace),
 * 2 wrong command line (the usage on stderr).
 */
public final class BoosterCli {
    static final String PROGRAM = "booster";
    static final String DEBUG_VARIABLE = "BOOSTER_DEBUG";

    private static final Map<String, String> ALIASES = Map.of("-h", "help", "--help", "help", "--version", "version");

    private final PrintStream out;
    private final PrintStream err;
    private final boolean debug;
    private final Map<String, Command> commands = new LinkedHashMap<>();

    /**
     * @param env       the environment variables ({@value #DEBUG_VARIABLE} is read)
     * @param discovery finds the providers, {@link Dataplanes#discover()} outside tests
     */
    BoosterCli(PrintStream out, PrintStream err, Map<String, String> env, Supplier<Discovery> discovery) {
        this.out = out;
        this.err = err;
        String debugValue = env.get(DEBUG_VARIABLE);
        this.debug = "1".equals(debugValue) || "true".equalsIgnoreCase(debugValue);
        for (Command c : List.of(new ProvidersCommand(discovery, out), new DemoCommand(discovery, out), CleanupCommand.system(out),
                new VersionCommand(out), new HelpCommand(out, this::usage))) {
            commands.put(c.name(), c);
        }
    }

    public static void main(String[] args) {
        System.exit(new BoosterCli(System.out, System.err, System.getenv(), Dataplanes::discover).run(args));
    }

    /** Runs the command line {@code args} and returns the exit code; prints, never throws. */
    int run(String... args) {
        try {
            if (args.length == 0) throw new UsageException("no command given");
            Command command = commands.get(ALIASES.getOrDefault(args[0], args[0]));
            if (command == null) throw new UsageException("unknown command '" + args[0] + "'");
            return command.run(List.of(args).subList(1, args.length));
        } catch (UsageException e) {
            err.println(PROGRAM + ": " + e.getMessage());
            err.println();
            err.print(usage());
            return 2;
        } catch (RuntimeException | LinkageError e) {
            err.println(PROGRAM + ": " + oneLine(e));
            if (debug) e.printStackTrace(err);
            return 1;
        }
    }

    String usage() {
        int width = commands.keySet().stream().mapToInt(String::length).max().orElse(0);
        StringBuilder s = new StringBuilder("usage: " + PROGRAM + " <command>\n\ncommands:\n");
        commands.values().forEach(c -> s.append("  ").append(c.name()).append(" ".repeat(width - c.name().length() + 2))
                .append(c.summary()).append('\n'));
        // The launcher, not this jar, runs the agent (its own module and jar); listed so `help` shows every command.
        s.append("\nthrough the ./booster launcher:\n  agent  run the node agent (agent/README.md)\n  test   build and run all tests\n");
        s.append("\nenvironment:\n  ").append(DEBUG_VARIABLE).append("=1  print the stack trace of an error\n");
        return s.toString();
    }

    /** The error as one line: its message (else its type), with its cause's message when that adds something. */
    static String oneLine(Throwable e) {
        String message = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getName() : e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
            message += ": " + cause.getMessage();
        }
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
