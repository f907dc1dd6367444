package dev.booster.engine.node;

import dev.booster.api.policy.PolicyType;
import dev.booster.engine.graph.Graph;
import dev.booster.engine.packet.PacketVector;

/** The sending pod's egress rules, with the destination as peer. */
public final class PolicyEgress extends PolicyNode {
    public static final String NAME = "policy-egress";

    public PolicyEgress(Graph.Wiring wiring) {
        super(NAME, wiring, PolicyType.EGRESS, PolicyIngress.NAME);
    }

    @Override
    int endpoint(PacketVector p, int s) {
        return p.srcEndpoint[s];
    }

    @Override
    int reverseEndpoint(PacketVector p, int s) {
        return p.dstEndpoint[s];
    }

    @Override
    int peerOffset4() {
        return 16;
    }

    @Override
    int peerOffset6() {
        return 24;
    }
}
