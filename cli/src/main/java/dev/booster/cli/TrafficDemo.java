package dev.booster.cli;

import dev.booster.api.Dataplane;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpAddress;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Veth;
import dev.booster.api.policy.IngressRule;
import dev.booster.api.policy.LabelSelector;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.NetworkPolicyPeer;
import dev.booster.api.policy.NetworkPolicyPort;
import dev.booster.api.policy.NetworkPolicySpec;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.policy.PolicyType;
import dev.booster.api.stats.DropCounter;
import dev.booster.api.stats.InterfaceCounters;
import dev.booster.api.stats.PolicyHitCounter;
import dev.booster.engine.frame.FrameBuilder;
import dev.booster.engine.frame.ParsedFrame;
import dev.booster.engine.trace.PacketTrace;
import dev.booster.engine.trace.TraceFilter;
import dev.booster.testkit.MemoryDataplane;
import dev.booster.testkit.MemoryPod;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The traffic demo on the {@code memory} provider: three pods in two namespaces, a NetworkPolicy that lets only
 * frontend reach backend on TCP/8080, and a table of what each attempt did and which rule decided.
 */
final class TrafficDemo {
    private static final int TCP_SYN = 0x02;
    private static final int TCP_SYN_ACK = 0x12;

    private final PrintStream out;
    private final List<String[]> rows = new ArrayList<>();

    TrafficDemo(PrintStream out) {
        this.out = out;
    }

    /** @return how many attempts ended otherwise than the scenario expects (0 on success) */
    int run(Dataplane dataplane) {
        MemoryDataplane dp = MemoryDataplane.of(dataplane);
        MemoryPod frontend = attach(dp, "shop", "frontend", "10.0.0.10/32", "fd00::10/128");
        MemoryPod backend = attach(dp, "shop", "backend", "10.0.0.20/32", "fd00::20/128");
        MemoryPod intruder = attach(dp, "guest", "intruder", "10.0.1.30/32", "fd00::1:30/128");
        out.println("pods: shop/frontend " + frontend.ipv4() + " " + frontend.ipv6() + ", shop/backend " + backend.ipv4() + " "
                + backend.ipv6() + ", guest/intruder " + intruder.ipv4() + " " + intruder.ipv6());

        NetworkPolicy policy = NetworkPolicy.of("shop", "backend-allow-frontend-8080", NetworkPolicySpec.of(
                LabelSelector.matchLabels(Map.of("app", "backend")), List.of(PolicyType.INGRESS),
                List.of(IngressRule.allow(List.of(NetworkPolicyPeer.pods(LabelSelector.matchLabels(Map.of("app", "frontend")))),
                        List.of(NetworkPolicyPort.tcp(8080)))), List.of()));
        long generation = dp.policies().apply(PolicySet.of(policy));
        out.println("policy shop/backend-allow-frontend-8080 applied (generation " + generation + "): backend accepts only"
                + " TCP/8080 from pods labelled app=frontend in its namespace");
        out.println();

        int surprises = 0;
        surprises += attempt(dp, frontend, backend, "frontend -> backend TCP/8080 SYN", frontend.frameTo(backend.ipv4()).tcp(40000, 8080, TCP_SYN), true);
        surprises += attempt(dp, backend, frontend, "backend -> frontend SYN-ACK (reply)", backend.frameTo(frontend.ipv4()).tcp(8080, 40000, TCP_SYN_ACK), true);
        surprises += attempt(dp, frontend, backend, "frontend -> backend TCP/9090 SYN", frontend.frameTo(backend.ipv4()).tcp(40001, 9090, TCP_SYN), false);
        surprises += attempt(dp, intruder, backend, "intruder -> backend TCP/8080 SYN", intruder.frameTo(backend.ipv4()).tcp(40002, 8080, TCP_SYN), false);
        surprises += attempt(dp, intruder, frontend, "intruder -> frontend UDP/53", intruder.frameTo(frontend.ipv4()).udp(40003, 53, 32), true);
        surprises += attempt(dp, frontend, backend, "frontend -> backend ICMP echo", frontend.frameTo(backend.ipv4()).icmp(8, 0, 7, 16), false);
        surprises += attempt(dp, frontend, backend, "frontend -> backend TCP/8080 over IPv6", frontend.frameTo(backend.ipv6()).tcp(40004, 8080, TCP_SYN), true);
        surprises += attempt(dp, frontend, null, "frontend -> 192.0.2.1 (no route)", frontend.frameTo(IpAddress.parse("192.0.2.1")).udp(40005, 9, 8), false);

        printTable();
        printCounters(dp, frontend);
        if (dp.buffersInUse() != 0) {
            out.println("packet buffers still in use: " + dp.buffersInUse() + " (a leak)");
            surprises++;
        }
        return surprises;
    }

    private static MemoryPod attach(Dataplane dp, String namespace, String app, String v4, String v6) {
        PodSpec spec = PodSpec.builder(namespace, app)
                .labels(Map.of("app", app))
                .addInterface(Veth.of("eth0", InterfaceAddress.parse(v4), InterfaceAddress.parse(v6)))
                .netns("/var/run/netns/" + app)
                .build();
        return MemoryPod.of(dp.pods().attach(spec));
    }

    private int attempt(MemoryDataplane dp, MemoryPod from, MemoryPod to, String what, FrameBuilder frame, boolean expectDelivered) {
        dp.traceClear();
        dp.traceAdd(1, TraceFilter.any());
        byte[] bytes = frame.build();
        from.send(bytes);
        Optional<byte[]> got = to == null ? Optional.empty() : to.receive();
        List<PacketTrace> traces = dp.traces();
        String decision = traces.isEmpty() ? "(no trace)" : decision(traces.getLast());
        String result = got.isPresent() ? "delivered" : "dropped";
        List<byte[]> back = from.receiveAll();
        if (!back.isEmpty()) result += ", sender got " + ParsedFrame.parse(back.getFirst()).toString().replaceAll(",.*", "");
        rows.add(new String[]{String.valueOf(rows.size() + 1), what, result, decision});
        return got.isPresent() == expectDelivered ? 0 : 1;
    }

    /** The step that decided the packet's fate: a drop reason, the policy verdict, or conntrack. */
    private static String decision(PacketTrace trace) {
        String policy = null;
        String verdict = null;
        for (PacketTrace.Step step : trace.steps()) {
            if (step.node().equals("error-drop")) return step.text() + (policy != null ? " (" + policy + ")" : "");
            if (step.node().equals("icmp-error")) return step.text();
            if (step.node().startsWith("policy-") && !step.text().contains("skip")) {
                policy = step.node() + ": " + step.text().replaceFirst("endpoint \\d+ by ", "");
            }
            if (step.node().startsWith("conntrack") && step.text().contains("reply")) verdict = step.node() + ": " + step.text();
        }
        if (verdict != null) return verdict;
        return policy != null ? policy : "forwarded (no policy step)";
    }

    private void printTable() {
        String[] header = {"#", "attempt", "result", "decided by"};
        int[] width = new int[header.length];
        for (int c = 0; c < header.length; c++) {
            width[c] = header[c].length();
            for (String[] row : rows) width[c] = Math.max(width[c], row[c].length());
        }
        printRow(header, width);
        String[] rule = new String[header.length];
        for (int c = 0; c < header.length; c++) rule[c] = "-".repeat(width[c]);
        printRow(rule, width);
        for (String[] row : rows) printRow(row, width);
        out.println();
    }

    private void printRow(String[] cells, int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) sb.append("  ");
            sb.append(c == cells.length - 1 ? cells[c] : String.format("%-" + width[c] + "s", cells[c]));
        }
        out.println(sb);
    }

    private void printCounters(MemoryDataplane dp, MemoryPod frontend) {
        out.println("interface counters:");
        for (InterfaceCounters c : dp.stats().interfaces()) {
            out.printf("  %-22s rx %d pkts / %d B, tx %d pkts / %d B, drops %d%n", c.name(), c.rxPackets(), c.rxBytes(),
                    c.txPackets(), c.txBytes(), c.drops());
        }
        out.println("drops by reason:");
        for (DropCounter d : dp.stats().drops()) out.printf("  %-22s %d%n", d.reason(), d.packets());
        out.println("policy rule hits:");
        for (PolicyHitCounter h : dp.stats().policyHits()) {
            if (h.packets() > 0) {
                out.printf("  %-40s %d pkts%n", (h.policy().isEmpty() ? "(implicit)" : h.policy()) + " " + h.direction().name().toLowerCase()
                        + (h.ruleIndex() >= 0 ? "[" + h.ruleIndex() + "]" : h.ruleIndex() == -1 ? " default deny" : " not isolated"), h.packets());
            }
        }
    }
}
