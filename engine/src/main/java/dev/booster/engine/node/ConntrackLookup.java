package dev.booster.engine.node;

import dev.booster.engine.DropReason;
import dev.booster.engine.conntrack.Conntrack;
import dev.booster.engine.graph.Frame;
import dev.booster.engine.graph.Graph;
import dev.booster.engine.graph.NodeContext;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.state.ForwardingState;

/**
 * Decides whether policy must look at a packet. Packets that touch no local pod, and packets the engine made, skip
 * policy. A packet of a known flow skips it too, unless the policy changed since the flow was decided: then the
 * flow's forward direction is classified again, whichever side sends first — a forward packet as itself, a reply
 * with {@link PacketVector#F_REVERSE_CHECK} so policy judges the flow it answers. A new policy (or a pod that took a
 * departed pod's address) thus applies to existing flows both ways.
 */
public final class ConntrackLookup extends PacketNode {
    public static final String NAME = "conntrack-lookup";
    private static final int NO_POLICY = 0;
    private static final int NEW = 1;
    private static final int ESTABLISHED = 2;
    private static final int REPLY = 3;
    private static final int POLICY_CHANGED = 4;
    private static final int DENIED_FLOW = 5;
    private static final int REPLY_POLICY_CHANGED = 6;

    private final int policyEgress;
    private final int conntrackCommit;
    private final int rewrite;

    public ConntrackLookup(Graph.Wiring wiring) {
        super(NAME, wiring);
        policyEgress = wiring.index(PolicyEgress.NAME);
        conntrackCommit = wiring.index(ConntrackCommit.NAME);
        rewrite = wiring.index(Rewrite.NAME);
    }

    @Override
    public void process(Frame frame, PacketVector p, NodeContext ctx) {
        Conntrack conntrack = ctx.conntrack;
        int currentTag = ctx.state.policyTag();
        for (int i = 0; i < frame.count; i++) {
            int s = frame.slots[i];
            if ((p.flags[s] & PacketVector.F_LOCAL_ORIGIN) != 0
                    || (p.srcEndpoint[s] == PacketVector.NONE && p.dstEndpoint[s] == PacketVector.NONE)) {
                ctx.trace(p, s, this, NO_POLICY, 0);
                p.next[s] = rewrite;
                continue;
            }
            int flow = conntrack.lookup(FlowKey.srcHigh(p, s), FlowKey.srcLow(p, s), FlowKey.dstHigh(p, s),
                    FlowKey.dstLow(p, s), p.protocol[s], p.srcPort[s], p.dstPort[s], ctx.now);
            p.flow[s] = flow;
            int outcome;
            if (flow < 0) {
                outcome = NEW;
            } else {
                int tag = conntrack.tag(flow);
                if (Conntrack.isReply(flow)) {
                    outcome = tag == ForwardingState.DENIED_TAG ? DENIED_FLOW : tag == currentTag ? REPLY : REPLY_POLICY_CHANGED;
                } else {
                    outcome = tag == currentTag ? ESTABLISHED : POLICY_CHANGED;
                }
            }
            ctx.trace(p, s, this, outcome, flow);
            p.next[s] = switch (outcome) {
                case ESTABLISHED, REPLY -> conntrackCommit;
                case DENIED_FLOW -> drop(p, s, DropReason.POLICY_DENY);
                case REPLY_POLICY_CHANGED -> {
                    p.flags[s] |= PacketVector.F_REVERSE_CHECK;
                    yield policyEgress;
                }
                default -> policyEgress;
            };
        }
    }

    @Override
    public String describe(int code, int detail, ForwardingState state) {
        return switch (code) {
            case NO_POLICY -> "no local pod involved or locally made: no policy";
            case NEW -> "new flow: classify";
            case ESTABLISHED -> "established flow " + detail + ": allowed";
            case REPLY -> "reply of flow " + detail + ": allowed";
            case POLICY_CHANGED -> "flow " + detail + " was decided under an older policy: classify again";
            case DENIED_FLOW -> "reply of flow " + detail + ", which policy now denies";
            case REPLY_POLICY_CHANGED -> "reply of flow " + detail + " decided under an older policy: classify the flow's forward direction again";
            default -> "code " + code;
        };
    }
}
