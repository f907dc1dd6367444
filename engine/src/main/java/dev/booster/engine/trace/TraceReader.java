package dev.booster.engine.trace;

import dev.booster.api.net.Ip4Address;
import dev.booster.api.net.Ip6Address;
import dev.booster.engine.graph.Graph;
import dev.booster.engine.graph.Node;
import dev.booster.engine.state.ForwardingState;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Turns a worker's finished trace records into {@link PacketTrace}s; runs on the reader's thread. */
public final class TraceReader {
    private TraceReader() {
    }

    public static List<PacketTrace> read(TraceBuffer buffer, Graph graph) {
        List<PacketTrace> traces = new ArrayList<>();
        int used = buffer.used();
        for (int r = 0; r < used; r++) {
            if (!buffer.isFinished(r)) continue;
            ForwardingState state = buffer.state(r);
            if (state == null) continue;
            List<PacketTrace.Step> steps = new ArrayList<>();
            for (int k = 0; k < buffer.steps(r); k++) {
                Node node = graph.node(buffer.stepNode(r, k));
                String text;
                try {
                    text = node.describe(buffer.stepCode(r, k), buffer.stepDetail(r, k), state);
                } catch (RuntimeException e) {
                    text = "code " + buffer.stepCode(r, k) + " detail " + buffer.stepDetail(r, k);
                }
                steps.add(new PacketTrace.Step(node.name(), text));
            }
            int rx = buffer.rxInterface(r);
            String name = state.interfaces().present(rx) ? state.interfaces().name(rx) : "?";
            traces.add(new PacketTrace(buffer.time(r), rx, name, buffer.length(r), summarize(buffer.head(r)), steps));
        }
        return traces;
    }

    /** A one-line description of a frame from its first bytes. */
    static String summarize(byte[] b) {
        if (b.length < 14) return "runt frame";
        int type = u16(b, 12);
        if (type == 0x0806 && b.length >= 42) {
            return "ARP op " + u16(b, 20) + " " + ip4(b, 28) + " asks for " + ip4(b, 38);
        }
        if (type == 0x0800 && b.length >= 34) {
            int ihl = (b[14] & 0xf) * 4;
            int protocol = b[23] & 0xff;
            return "IPv4 " + ip4(b, 26) + " -> " + ip4(b, 30) + " ttl " + (b[22] & 0xff) + transport(b, protocol, 14 + ihl);
        }
        if (type == 0x86dd && b.length >= 54) {
            int next = b[20] & 0xff;
            return "IPv6 " + ip6(b, 22) + " -> " + ip6(b, 38) + " hlim " + (b[21] & 0xff) + transport(b, next, 54);
        }
        return String.format("ethertype 0x%04x", type);
    }

    private static String transport(byte[] b, int protocol, int at) {
        String name = switch (protocol) {
            case 6 -> "TCP";
            case 17 -> "UDP";
            case 132 -> "SCTP";
            case 1 -> "ICMP";
            case 58 -> "ICMPv6";
            default -> "protocol " + protocol;
        };
        if ((protocol == 6 || protocol == 17 || protocol == 132) && at + 4 <= b.length) {
            return " " + name + " " + u16(b, at) + " -> " + u16(b, at + 2);
        }
        if ((protocol == 1 || protocol == 58) && at + 2 <= b.length) {
            return " " + name + " type " + (b[at] & 0xff) + " code " + (b[at + 1] & 0xff);
        }
        return " " + name;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    private static String ip4(byte[] b, int at) {
        return Ip4Address.ofBytes(Arrays.copyOfRange(b, at, at + 4)).toString();
    }

    private static String ip6(byte[] b, int at) {
        return Ip6Address.ofBytes(Arrays.copyOfRange(b, at, at + 16)).toString();
    }
}
