/**
 * Booster's vector packet engine: VPP's graph idea in Java, off-heap and allocation-free on the packet path.
 *
 * <h2>Memory</h2>
 * Packets stay in the buffers of the backend that received them ({@link dev.booster.engine.packet.PacketBuffers}:
 * UMEM frames, mbufs, arena slots), named by an int handle. A worker holds up to 256 packets in flight in a
 * {@link dev.booster.engine.packet.PacketVector}: struct-of-arrays metadata (buffer handle and owner, absolute data
 * address, length, headroom, room, rx interface, offsets, ports, flow, adjacency, next node...). Bytes are read and
 * written through {@link dev.booster.engine.packet.PacketMemory}, one segment over all memory addressed absolutely;
 * nodes check once per packet that each header lies within the packet's length (see PacketMemory for why not
 * per-region segments).
 *
 * <h2>Graph</h2>
 * A {@link dev.booster.engine.graph.Graph} of {@link dev.booster.engine.graph.Node}s is built once
 * ({@link dev.booster.engine.node.StandardGraph}). The {@link dev.booster.engine.graph.Worker} receives a vector
 * from its ports, then gives each node a {@link dev.booster.engine.graph.Frame} of the slots waiting for it; a node
 * writes each packet's next node and the worker sorts the slots into the next frames, until every packet was
 * transmitted (interface-output) or dropped (error-drop, with a {@link dev.booster.engine.DropReason}).
 *
 * <h2>Tables</h2>
 * The control plane ({@link dev.booster.engine.Engine}) keeps a plain model and builds an immutable
 * {@link dev.booster.engine.state.ForwardingState} (interfaces, adjacencies, compiled policy) for every change,
 * published with one volatile write and read by the worker once per vector. The FIBs are shared by every state and
 * changed in place, so that a change costs what it changes rather than the size of the routing table: a route is
 * written only once the worker reads a state whose adjacency table has the route's adjacency, and an adjacency index
 * is reused only after nothing can return its old meaning (the worker tells the control plane which state it reads,
 * three writes per vector). The only state packets write besides
 * per-worker counters and conntrack is the neighbour MAC learned on pod interfaces
 * ({@link dev.booster.engine.state.Neighbours}).
 *
 * <h2>Policy and conntrack</h2>
 * A packet from a local pod passes its egress rules, a packet to a local pod that pod's ingress rules (both, for pod
 * to pod). An allowed first packet creates a flow stamped with the policy generation; later packets of the flow, both
 * ways, skip classification until the generation changes, when the next forward packet is classified again (a deny
 * then marks the flow so its replies are dropped too). Denied packets create no flow.
 *
 * <h2>Tunnels</h2>
 * A route to a remote node's pod CIDR may point to a <em>tunnel adjacency</em>: uplink, next-hop MAC and a tunnel
 * of the state's {@link dev.booster.engine.state.TunnelTable}. Rewrite hands such packets to tunnel-encap, which
 * checks the tunnel's inner MTU (too big: icmp-error sends "fragmentation needed"/"packet too big" with that MTU; IPv4
 * without DF is dropped, the engine does not fragment) and writes IP-in-IP, VXLAN or ESP tunnel-mode headers into
 * the headroom. ip4/ip6-input send what arrives from the network for a local tunnel end to tunnel-decap, which finds
 * the tunnel by the outer source, refuses what is not of the tunnel's kind (an ESP tunnel takes only ESP), unwraps
 * (decrypts) in place and feeds the inner packet to ip4/ip6-input as from the uplink, so pod policy applies. ESP
 * state (encryptor, inbound SAs) is part of the published state: a key change is a new state, one volatile write.
 * {@link dev.booster.engine.dataplane.EngineDataplane#tunnels()} maps the API's {@code TunnelSpec} onto this.
 *
 * <h2>Not done yet</h2>
 * Several workers (needs flow handoff so both directions of a flow meet on one conntrack), reassembly (fragments are
 * dropped), VLANs, MTU checks other than a tunnel's, fragmentation, ICMP errors as conntrack RELATED, local delivery (echo to the gateway).
 */
package dev.booster.engine;
