package dev.booster.engine.node;

import dev.booster.api.policy.PolicyType;
import dev.booster.engine.DropReason;
import dev.booster.engine.conntrack.Conntrack;
import dev.booster.engine.graph.Frame;
import dev.booster.engine.graph.Graph;
import dev.booster.engine.graph.NodeContext;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.policy.CompiledPolicy;
import dev.booster.engine.policy.Verdict;
import dev.booster.engine.state.ForwardingState;

import static dev.booster.engine.packet.PacketMemory.u32;
import static dev.booster.engine.packet.PacketMemory.u64;

/**
 * Classifies a packet against one local endpoint's rules in one direction. A denied packet is dropped, and if it
 * belonged to a known flow the flow is marked denied so its replies stop too. Hits are counted per rule.
 *
 * <p>A packet marked {@link PacketVector#F_REVERSE_CHECK} is a reply standing in for its flow: it is judged as the
 * flow's forward packet would be (endpoints and addresses swapped, the port being the reply's source port).
 */
abstract class PolicyNode extends PacketNode {
    private static final int NOT_LOCAL = Integer.MIN_VALUE;

    private final PolicyType direction;
    private final int allowed;

    PolicyNode(String name, Graph.Wiring wiring, PolicyType direction, String nextOnAllow) {
        super(name, wiring);
        this.direction = direction;
        this.allowed = wiring.index(nextOnAllow);
    }

    /** The local endpoint whose rules apply, or {@link PacketVector#NONE}. */
    abstract int endpoint(PacketVector p, int s);

    /** The same for a reply judged as its flow's forward packet: the endpoint at the other end. */
    abstract int reverseEndpoint(PacketVector p, int s);

    /** Offset of the peer address in the IP header: the source for ingress, the destination for egress. */
    abstract int peerOffset4();

    abstract int peerOffset6();

    @Override
    public final void process(Frame frame, PacketVector p, NodeContext ctx) {
        CompiledPolicy policy = ctx.state.policy();
        int[] counterIds = ctx.state.ruleCounterIds();
        for (int i = 0; i < frame.count; i++) {
            int s = frame.slots[i];
            boolean reverse = (p.flags[s] & PacketVector.F_REVERSE_CHECK) != 0;
            int endpoint = reverse ? reverseEndpoint(p, s) : endpoint(p, s);
            if (endpoint == PacketVector.NONE) {
                ctx.trace(p, s, this, NOT_LOCAL, 0);
                p.next[s] = allowed;
                continue;
            }
            int protocol = p.protocol[s];
            boolean hasPorts = protocol == IpFields.TCP || protocol == IpFields.UDP || protocol == IpFields.SCTP;
            int port = hasPorts ? (reverse ? p.srcPort[s] : p.dstPort[s]) : 0;
            long ip = p.data[s] + p.l3Offset[s];
            // The source and destination fields are 4 (IPv4) or 16 (IPv6) bytes apart; a reverse check takes the other.
            int peer4 = reverse ? 28 - peerOffset4() : peerOffset4();
            int peer6 = reverse ? 32 - peerOffset6() : peerOffset6();
            int verdict = (p.flags[s] & PacketVector.F_IP6) != 0
                    ? policy.classify6(endpoint, direction, u64(ip + peer6), u64(ip + peer6 + 8), protocol, port)
                    : policy.classify4(endpoint, direction, u32(ip + peer4), protocol, port);
            int rule = Verdict.ruleId(verdict);
            if (rule < counterIds.length) ctx.counters.ruleHit(counterIds[rule], p.length[s]);
            ctx.trace(p, s, this, verdict, endpoint);
            if (Verdict.isAllow(verdict)) {
                p.flags[s] |= PacketVector.F_CLASSIFIED;
                p.next[s] = allowed;
            } else {
                int flow = p.flow[s];
                if (flow >= 0 && (reverse || !Conntrack.isReply(flow))) ctx.conntrack.setTag(flow, ForwardingState.DENIED_TAG);
                p.next[s] = drop(p, s, DropReason.POLICY_DENY);
            }
        }
    }

    @Override
    public final String describe(int code, int detail, ForwardingState state) {
        if (code == NOT_LOCAL) return "not a local pod: no " + direction.name().toLowerCase() + " policy";
        int rule = Verdict.ruleId(code);
        String decided = rule < state.policy().ruleCount() ? state.policy().rule(rule).toString() : "rule " + rule;
        return (Verdict.isAllow(code) ? "allow" : "deny") + " endpoint " + detail + " by " + decided;
    }
}
