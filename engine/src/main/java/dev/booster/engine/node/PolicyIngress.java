package dev.booster.engine.node;

import dev.booster.api.policy.PolicyType;
import dev.booster.engine.graph.Graph;
import dev.booster.engine.packet.PacketVector;

/** The receiving pod's ingress rules, with the source as peer. */
public final class PolicyIngress extends PolicyNode {
    public static final String NAME = "policy-ingress";

    public PolicyIngress(Graph.Wiring wiring) {
        super(NAME, wiring, PolicyType.INGRESS, ConntrackCommit.NAME);
    }

    @Override
    int endpoint(PacketVector p, int s) {
        return p.dstEndpoint[s];
    }

    @Override
    int reverseEndpoint(PacketVector p, int s) {
        return p.srcEndpoint[s];
    }

    @Override
    int peerOffset4() {
        return 12;
    }

    @Override
    int peerOffset6() {
        return 8;
    }
}
