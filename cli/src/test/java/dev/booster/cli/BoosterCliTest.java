package dev.booster.cli;

import dev.booster.spi.Availability;
import dev.booster.spi.DataplaneProvider;
import dev.booster.spi.Discovery;
import dev.booster.testkit.MemoryProvider;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static dev.booster.api.Capability.IPSEC;
import static dev.booster.api.Capability.POLICY;
import static dev.booster.api.Capability.UNPRIVILEGED;
import static dev.booster.api.Capability.VETH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BoosterCliTest {

    private static final FixedProvider ALPHA =
            new FixedProvider("alpha", 10, EnumSet.of(POLICY, VETH), Availability::available);
    private static final FixedProvider BETA = new FixedProvider("beta", 0, EnumSet.of(VETH, POLICY, IPSEC, UNPRIVILEGED),
            () -> Availability.unavailable("no test kernel"));
    private static final Discovery TWO = new Discovery(List.of(ALPHA, BETA), List.of());
    private static final Discovery NONE = new Discovery(List.of(), List.of());

    /** One run of the CLI: its exit code and what it printed. */
    private record Run(int exit, String out, String err) {
    }

    private static Run run(Supplier<Discovery> discovery, Map<String, String> env, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int exit;
        try (var outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
             var errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = new BoosterCli(outStream, errStream, env, discovery).run(args);
        }
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Run run(Discovery discovery, String... args) {
        return run(() -> discovery, Map.of(), args);
    }

    @Test
    void providersListsEachWithPriorityCapabilitiesAndProbe() {
        Run r = run(new Discovery(List.of(ALPHA, BETA), List.of("Provider does.not.Exist not found")), "providers");

        assertEquals(0, r.exit());
        assertEquals("""
                NAME   PRIORITY  CAPABILITIES                       PROBE
                alpha  10        VETH, POLICY                       available
                beta   0         VETH, POLICY, IPSEC, UNPRIVILEGED  unavailable: no test kernel

                skipped, failed to load:
                  Provider does.not.Exist not found
                """, r.out());
        assertEquals("", r.err());
    }

    @Test
    void providersShowsAProbeThatThrowsAsUnavailable() {
        var broken = new FixedProvider("broken", 0, Set.of(), () -> { throw new IllegalStateException("boom"); });
        Run r = run(new Discovery(List.of(broken), List.of()), "providers");

        assertEquals(0, r.exit());
        assertTrue(r.out().contains("broken  0         -             unavailable: probe() failed (java.lang.IllegalStateException: boom)"),
                r.out());
    }

    @Test
    void providersWithNoneSaysHowToGetOne() {
        Run r = run(NONE, "providers");

        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("no dataplane providers discovered; put a backend module such as booster-testkit"), r.out());
    }

    @Test
    void demoRunsThePolicyScenarioOnTheMemoryProvider() {
        Run r = run(new Discovery(List.of(new MemoryProvider()), List.of()), "demo");

        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("with the default config, Booster would open provider 'memory'"), r.out());
        assertTrue(r.out().matches("(?s).*1 +frontend -> backend TCP/8080 SYN +delivered +policy-ingress: allow shop/backend-allow-frontend-8080 ingress\\[0\\].*"), r.out());
        assertTrue(r.out().matches("(?s).*3 +frontend -> backend TCP/9090 SYN +dropped +policy-deny.*"), r.out());
        assertTrue(r.out().matches("(?s).*policy-deny +3\n.*"), r.out());
        assertTrue(r.out().endsWith("every attempt ended as the policy says\n"), r.out());
    }

    @Test
    void demoSaysWhichProviderTheDefaultsWouldOpen() {
        List<DataplaneProvider> providers = new java.util.ArrayList<>(TWO.providers());
        providers.add(new MemoryProvider());
        Run r = run(new Discovery(providers, List.of()), "demo");

        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("alpha   10        VETH, POLICY"), r.out());
        assertTrue(r.out().contains("\nwith the default config, Booster would open provider 'alpha'\n"), r.out());
        assertTrue(r.out().contains("the traffic demo runs on 'memory': provider 'afxdp' was not discovered\n"), r.out());
    }

    @Test
    void demoWithoutAnAvailableProviderFailsWithTheSelectionError() {
        Run r = run(new Discovery(List.of(BETA), List.of()), "demo");

        assertEquals(1, r.exit());
        assertEquals("booster: no available dataplane provider; discovered: 'beta' (unavailable: no test kernel)\n", r.err());
    }

    @Test
    void versionPrintsTheFilteredProjectVersion() {
        Run r = run(TWO, "version");

        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().matches("booster \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(Java \\d+.*\\)\\n"), r.out());
        assertEquals(r.out(), run(TWO, "--version").out());
    }

    @Test
    void helpPrintsTheUsageWithEveryCommandOnStdout() {
        Run r = run(TWO, "help");

        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("usage: booster <command>\n"), r.out());
        for (String command : List.of("providers", "demo", "cleanup", "version", "help")) {
            assertTrue(r.out().contains("\n  " + command + " "), command + " missing from\n" + r.out());
        }
        assertEquals("", r.err());
        assertEquals(r, run(TWO, "--help"));
    }

    @Test
    void anUnknownCommandPrintsTheUsageOnStderrAndExits2() {
        Run r = run(TWO, "frobnicate");

        assertEquals(2, r.exit());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("booster: unknown command 'frobnicate'\n\nusage: booster <command>\n"), r.err());
    }

    @Test
    void noCommandIsAUsageError() {
        Run r = run(TWO);

        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("booster: no command given\n"), r.err());
    }

    @Test
    void argumentsToACommandThatTakesNoneAreAUsageError() {
        Run r = run(TWO, "providers", "--all");

        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("booster: 'providers' takes no arguments, got --all\n"), r.err());
    }

    @Test
    void anErrorIsOneLineOnStderrWithoutAStackTrace() {
        Supplier<Discovery> failing = () -> { throw new IllegalStateException("services\n  unreadable"); };
        Run r = run(failing, Map.of(), "providers");

        assertEquals(1, r.exit());
        assertEquals("booster: services unreadable\n", r.err());
    }

    @Test
    void debugAddsTheStackTrace() {
        Supplier<Discovery> failing = () -> { throw new IllegalStateException("services unreadable"); };
        Run r = run(failing, Map.of(BoosterCli.DEBUG_VARIABLE, "1"), "providers");

        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("booster: services unreadable\njava.lang.IllegalStateException: services unreadable\n"), r.err());
        assertTrue(r.err().contains("\tat dev.booster.cli."), r.err());
    }

    @Test
    void oneLineAddsACauseTheMessageDoesNotAlreadyName() {
        assertEquals("cannot read x: disk on fire",
                BoosterCli.oneLine(new IllegalStateException("cannot read x", new java.io.IOException("disk on fire"))));
        assertEquals("java.lang.NullPointerException", BoosterCli.oneLine(new NullPointerException()));
        assertFalse(BoosterCli.oneLine(new RuntimeException("a\nb")).contains("\n"));
    }
}
