package dev.booster.cli;

import dev.booster.api.Dataplane;
import dev.booster.api.net.IpAddress;
import dev.booster.api.policy.PolicySet;
import dev.booster.engine.frame.FrameBuilder;
import dev.booster.engine.frame.ParsedFrame;
import dev.booster.engine.trace.PacketTrace;
import dev.booster.engine.trace.TraceFilter;
import dev.booster.testkit.MemoryDataplane;
import dev.booster.testkit.MemoryPod;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static dev.booster.cli.DemoScenario.BACKEND;
import static dev.booster.cli.DemoScenario.FRONTEND;
import static dev.booster.cli.DemoScenario.INTRUDER;

/**
 * The traffic demo on the {@code memory} provider: {@link DemoScenario}'s pods and policy, frames built in Java and
 * handed to the pods' in-memory interfaces, and a table of what each attempt did and which rule decided.
 */
final class TrafficDemo {
    private static final int TCP_SYN = 0x02;
    private static final int TCP_SYN_ACK = 0x12;

    private final PrintStream out;
    private final DemoReport report = new DemoReport();

    TrafficDemo(PrintStream out) {
        this.out = out;
    }

    /** @return how many attempts ended otherwise than the scenario expects (0 on success) */
    int run(Dataplane dataplane) {
        MemoryDataplane dp = MemoryDataplane.of(dataplane);
        MemoryPod frontend = attach(dp, FRONTEND);
        MemoryPod backend = attach(dp, BACKEND);
        MemoryPod intruder = attach(dp, INTRUDER);
        out.println(DemoScenario.podsLine());
        out.println(DemoScenario.policyLine(dp.policies().apply(PolicySet.of(DemoScenario.policy()))));
        out.println();

        attempt(dp, frontend, backend, "frontend -> backend TCP/8080 SYN", frontend.frameTo(backend.ipv4()).tcp(40000, 8080, TCP_SYN), true);
        attempt(dp, backend, frontend, "backend -> frontend SYN-ACK (reply)", backend.frameTo(frontend.ipv4()).tcp(8080, 40000, TCP_SYN_ACK), true);
        attempt(dp, frontend, backend, "frontend -> backend TCP/9090 SYN", frontend.frameTo(backend.ipv4()).tcp(40001, 9090, TCP_SYN), false);
        attempt(dp, intruder, backend, "intruder -> backend TCP/8080 SYN", intruder.frameTo(backend.ipv4()).tcp(40002, 8080, TCP_SYN), false);
        attempt(dp, intruder, frontend, "intruder -> frontend UDP/53", intruder.frameTo(frontend.ipv4()).udp(40003, 53, 32), true);
        attempt(dp, frontend, backend, "frontend -> backend ICMP echo", frontend.frameTo(backend.ipv4()).icmp(8, 0, 7, 16), false);
        attempt(dp, frontend, backend, "frontend -> backend TCP/8080 over IPv6", frontend.frameTo(backend.ipv6()).tcp(40004, 8080, TCP_SYN), true);
        attempt(dp, frontend, null, "frontend -> 192.0.2.1 (no route)", frontend.frameTo(IpAddress.parse("192.0.2.1")).udp(40005, 9, 8), false);

        report.printTable(out);
        DemoReport.printCounters(dp, out);
        if (dp.buffersInUse() != 0) {
            out.println("packet buffers still in use: " + dp.buffersInUse() + " (a leak)");
            report.addSurprise();
        }
        return report.surprises();
    }

    private static MemoryPod attach(Dataplane dp, DemoScenario.Role role) {
        return MemoryPod.of(dp.pods().attach(role.spec(role.namespace() + "/" + role.app(), Path.of("/var/run/netns", role.app()))));
    }

    private void attempt(MemoryDataplane dp, MemoryPod from, MemoryPod to, String what, FrameBuilder frame, boolean expectDelivered) {
        dp.traceClear();
        dp.traceAdd(1, TraceFilter.any());
        from.send(frame.build());
        Optional<byte[]> got = to == null ? Optional.empty() : to.receive();
        List<PacketTrace> traces = dp.traces();
        String decision = traces.isEmpty() ? "(no trace)" : DemoReport.decision(traces.getLast());
        String result = got.isPresent() ? "delivered" : "dropped";
        List<byte[]> back = from.receiveAll();
        if (!back.isEmpty()) result += ", sender got " + ParsedFrame.parse(back.getFirst()).toString().replaceAll(",.*", "");
        report.add(what, result, decision, got.isPresent() == expectDelivered);
    }
}
