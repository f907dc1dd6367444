package dev.booster.engine.node;

import dev.booster.engine.DropReason;
import dev.booster.engine.conntrack.Conntrack;
import dev.booster.engine.graph.Frame;
import dev.booster.engine.graph.Graph;
import dev.booster.engine.graph.NodeContext;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.state.ForwardingState;

/**
 * Records allowed packets in conntrack: a new flow is created stamped with the policy generation it was decided
 * under; a known flow is refreshed, and re-stamped when it was just classified again. A full table drops the packet
 * (fail closed), as Linux does.
 */
public final class ConntrackCommit extends PacketNode {
    public static final String NAME = "conntrack";
    private static final int CREATED = 1;
    private static final int REFRESHED = 2;
    private static final int RESTAMPED = 3;

    private final int rewrite;

    public ConntrackCommit(Graph.Wiring wiring) {
        super(NAME, wiring);
        rewrite = wiring.index(Rewrite.NAME);
    }

    @Override
    public void process(Frame frame, PacketVector p, NodeContext ctx) {
        Conntrack conntrack = ctx.conntrack;
        int tag = ctx.state.policyTag();
        for (int i = 0; i < frame.count; i++) {
            int s = frame.slots[i];
            int flow = p.flow[s];
            boolean created = false;
            if (flow < 0) {
                // An earlier packet of the same new flow in this vector may have created it since conntrack-lookup
                // ran: create() then returns that flow, so there is no need to look it up first.
                long creations = conntrack.creations();
                flow = conntrack.create(FlowKey.srcHigh(p, s), FlowKey.srcLow(p, s), FlowKey.dstHigh(p, s),
                        FlowKey.dstLow(p, s), p.protocol[s], p.srcPort[s], p.dstPort[s], ctx.now, tag);
                if (flow == Conntrack.FULL) {
                    ctx.trace(p, s, this, Conntrack.FULL, 0);
                    p.next[s] = drop(p, s, DropReason.CONNTRACK_FULL);
                    continue;
                }
                created = conntrack.creations() != creations;
                p.flow[s] = flow;
            }
            conntrack.touch(flow, ctx.now, p.tcpFlags[s]);
            boolean restamp = !created && (p.flags[s] & PacketVector.F_CLASSIFIED) != 0
                    && (!Conntrack.isReply(flow) || (p.flags[s] & PacketVector.F_REVERSE_CHECK) != 0);
            if (restamp) conntrack.setTag(flow, tag);
            ctx.trace(p, s, this, created ? CREATED : restamp ? RESTAMPED : REFRESHED, flow);
            p.next[s] = rewrite;
        }
    }

    @Override
    public String describe(int code, int detail, ForwardingState state) {
        return switch (code) {
            case CREATED -> "created flow " + detail;
            case REFRESHED -> "refreshed flow " + detail;
            case RESTAMPED -> "refreshed flow " + detail + ", stamped with the current policy";
            default -> "table full";
        };
    }
}
