package dev.booster.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

/** {@code booster version}: Booster's version and the Java runtime it runs on. */
final class VersionCommand implements Command {
    private static final String RESOURCE = "version.properties";

    private final PrintStream out;

    VersionCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public String name() {
        return "version";
    }

    @Override
    public String summary() {
        return "print the Booster and Java versions";
    }

    @Override
    public int run(List<String> args) {
        Command.expectNoArguments(name(), args);
        out.println("booster " + boosterVersion() + " (Java " + Runtime.version() + ", " + System.getProperty("java.vendor") + ")");
        return 0;
    }

    /** Maven writes the project version into the resource at build time. */
    static String boosterVersion() {
        try (InputStream in = VersionCommand.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is missing from booster-cli's jar; rebuild it with Maven");
            Properties p = new Properties();
            p.load(in);
            String version = p.getProperty("version");
            if (version == null || version.contains("${")) {
                throw new IllegalStateException(RESOURCE + " was not filtered by Maven (version=" + version + "); rebuild booster-cli");
            }
            return version;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
