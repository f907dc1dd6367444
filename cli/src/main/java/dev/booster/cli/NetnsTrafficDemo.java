package dev.booster.cli;

import dev.booster.host.link.CommandResult;
import dev.booster.afxdp.provider.AfXdpProvider;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.policy.PolicySet;
import dev.booster.engine.dataplane.EngineDataplane;
import dev.booster.engine.trace.TraceFilter;
import dev.booster.spi.Availability;
import dev.booster.spi.DataplaneProvider;
import dev.booster.spi.Dataplanes;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import static dev.booster.cli.DemoScenario.BACKEND;
import static dev.booster.cli.DemoScenario.FRONTEND;
import static dev.booster.cli.DemoScenario.INTRUDER;

/**
 * The traffic demo on the {@code afxdp} provider: {@link DemoScenario}'s pods in real network namespaces, forwarded
 * by Booster's engine through AF_XDP, and the kernel's own {@code ping} and {@code nc} inside the namespaces. Which
 * rule decided each attempt comes from the engine's packet trace. Namespaces, servers and dataplane are removed at
 * the end, on failure, and on Ctrl-C (a shutdown hook).
 */
final class NetnsTrafficDemo {
    static final List<String> TOOLS = List.of("ip", "ping", "nc", "ss");
    private static final int PROTO_TCP = 6;
    private static final int PROTO_ICMP = 1;
    private static final int PROTO_ICMPV6 = 58;
    private static final int FRONTEND_PORT = 7000;
    private static final int DENIED_PORT = 9090;
    /** Long enough for a SYN and its answer through the engine; short enough to keep the demo quick. */
    private static final int CONNECT_TIMEOUT_SECONDS = 2;

    private final PrintStream out;
    private final DemoReport report = new DemoReport();

    NetnsTrafficDemo(PrintStream out) {
        this.out = out;
    }

    /** Why the demo cannot run here (the probe's reason, or a missing tool), empty when it can. */
    static Optional<String> unavailableReason(List<DataplaneProvider> providers) {
        Optional<DataplaneProvider> afxdp = providers.stream().filter(p -> p.name().equals(AfXdpProvider.NAME)).findFirst();
        if (afxdp.isEmpty()) return Optional.of("provider '" + AfXdpProvider.NAME + "' was not discovered");
        Availability availability = Dataplanes.probe(afxdp.get());
        if (availability instanceof Availability.Unavailable u) return Optional.of("provider '" + AfXdpProvider.NAME + "' is " + u);
        for (String tool : TOOLS) {
            if (!onPath(tool)) {
                return Optional.of("`" + tool + "` is not installed (apt-get install iproute2 iputils-ping netcat-openbsd)");
            }
        }
        return Optional.empty();
    }

    /** @return how many attempts ended otherwise than the scenario expects (0 on success) */
    int run(List<DataplaneProvider> providers) throws InterruptedException {
        RunResources resources = new RunResources(new DemoNamespaces(ProcessHandle.current().pid()));
        Thread hook = new Thread(() -> {
            out.println("booster demo: stopping; removing the demo's pods, servers and network namespaces");
            resources.close();
        }, "booster-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return run(providers, resources);
        } finally {
            resources.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running or ran; it found everything closed.
            }
        }
    }

    private int run(List<DataplaneProvider> providers, RunResources resources) throws InterruptedException {
        DemoNamespaces netns = resources.namespaces;
        String frontendNs = netns.add(FRONTEND.app());
        String backendNs = netns.add(BACKEND.app());
        String intruderNs = netns.add(INTRUDER.app());

        EngineDataplane dp = (EngineDataplane) resources.open(providers);
        Map<DemoScenario.Role, String> podNetns = Map.of(FRONTEND, frontendNs, BACKEND, backendNs, INTRUDER, intruderNs);
        for (DemoScenario.Role role : DemoScenario.ROLES) {
            // The namespace's name is unique to this run, so it doubles as the pod's uid (which names the host veth).
            String name = podNetns.get(role);
            PodAttachment pod = dp.pods().attach(role.spec(name, DemoNamespaces.path(name)));
            out.println("attached pod " + role + " in netns " + name + " (host end " + pod.interfaces().getFirst().hostName() + ")");
        }
        out.println(DemoScenario.policyLine(dp.policies().apply(PolicySet.of(DemoScenario.policy()))));

        netns.startServer(backendNs, "nc", "-k", "-l", String.valueOf(DemoScenario.ALLOWED_PORT));
        netns.startServer(frontendNs, "nc", "-k", "-l", String.valueOf(FRONTEND_PORT));
        netns.awaitTcpListener(backendNs, DemoScenario.ALLOWED_PORT);
        netns.awaitTcpListener(frontendNs, FRONTEND_PORT);
        out.println("servers: nc -l " + DemoScenario.ALLOWED_PORT + " in backend, nc -l " + FRONTEND_PORT + " in frontend");
        out.println();

        attempt(dp, "frontend -> backend ping (IPv4)", FRONTEND.ipv4(), BACKEND.ipv4(), TraceFilter.protocol(PROTO_ICMP), false,
                () -> netns.exec(frontendNs, Duration.ofSeconds(5), "ping", "-c", "1", "-W", "1", BACKEND.ipv4()));
        attempt(dp, "frontend -> backend ping (IPv6)", FRONTEND.ipv6(), BACKEND.ipv6(), TraceFilter.protocol(PROTO_ICMPV6), false,
                () -> netns.exec(frontendNs, Duration.ofSeconds(5), "ping", "-6", "-c", "1", "-W", "1", BACKEND.ipv6()));
        attempt(dp, "frontend -> backend TCP/" + DemoScenario.ALLOWED_PORT, FRONTEND.ipv4(), BACKEND.ipv4(),
                TraceFilter.protocolPort(PROTO_TCP, DemoScenario.ALLOWED_PORT), true, () -> connect(netns, frontendNs, BACKEND.ipv4(), DemoScenario.ALLOWED_PORT));
        attempt(dp, "frontend -> backend TCP/" + DENIED_PORT, FRONTEND.ipv4(), BACKEND.ipv4(),
                TraceFilter.protocolPort(PROTO_TCP, DENIED_PORT), false, () -> connect(netns, frontendNs, BACKEND.ipv4(), DENIED_PORT));
        attempt(dp, "intruder -> backend TCP/" + DemoScenario.ALLOWED_PORT, INTRUDER.ipv4(), BACKEND.ipv4(),
                TraceFilter.protocolPort(PROTO_TCP, DemoScenario.ALLOWED_PORT), false, () -> connect(netns, intruderNs, BACKEND.ipv4(), DemoScenario.ALLOWED_PORT));
        attempt(dp, "intruder -> frontend TCP/" + FRONTEND_PORT, INTRUDER.ipv4(), FRONTEND.ipv4(),
                TraceFilter.protocolPort(PROTO_TCP, FRONTEND_PORT), true, () -> connect(netns, intruderNs, FRONTEND.ipv4(), FRONTEND_PORT));

        report.printTable(out);
        DemoReport.printCounters(dp, out);
        return report.surprises();
    }

    private static CommandResult connect(DemoNamespaces netns, String from, String address, int port) {
        return netns.exec(from, Duration.ofSeconds(CONNECT_TIMEOUT_SECONDS + 3), "nc", "-z", "-w", String.valueOf(CONNECT_TIMEOUT_SECONDS), address, String.valueOf(port));
    }

    /**
     * Runs one attempt with the engine tracing packets that match {@code filter}; the first traced packet from
     * {@code source} to {@code destination} says which rule decided.
     */
    private void attempt(EngineDataplane dp, String what, String source, String destination, TraceFilter filter, boolean expectSuccess,
                         Supplier<CommandResult> command) {
        dp.traceClear();
        dp.traceAdd(64, filter);
        CommandResult result = command.get();
        boolean succeeded = result.exitCode() == 0;
        String flow = source + " -> " + destination + " ";
        String decision = dp.traces().stream().filter(t -> t.summary().contains(flow)).findFirst()
                .map(DemoReport::decision).orElse("(no packet traced)");
        String outcome = succeeded ? "succeeded" : result.exitCode() == -1 ? "failed (killed, took too long)" : "failed (exit " + result.exitCode() + ")";
        report.add(what, outcome, decision, succeeded == expectSuccess);
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }

    /** What a run holds: closed once, by the run's end or by the shutdown hook, whichever comes first. */
    private static final class RunResources {
        private final DemoNamespaces namespaces;
        private Dataplane dataplane;
        private boolean closed;

        RunResources(DemoNamespaces namespaces) {
            this.namespaces = namespaces;
        }

        synchronized Dataplane open(List<DataplaneProvider> providers) {
            if (closed) throw new IllegalStateException("the demo is shutting down");
            dataplane = Dataplanes.open(DataplaneConfig.builder().provider(AfXdpProvider.NAME).build(), providers);
            return dataplane;
        }

        /** The dataplane first (it deletes the pods' veths), then servers and namespaces. */
        synchronized void close() {
            if (closed) return;
            closed = true;
            try {
                if (dataplane != null) dataplane.close();
            } finally {
                namespaces.close();
            }
        }
    }
}
