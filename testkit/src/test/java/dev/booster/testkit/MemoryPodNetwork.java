package dev.booster.testkit;

import dev.booster.api.Dataplane;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpFamily;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Veth;
import dev.booster.engine.frame.FrameBuilder;
import dev.booster.engine.frame.ParsedFrame;
import dev.booster.testkit.conformance.PodNetwork;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link PodNetwork} of the {@code memory} backend: it plays both ends of every exchange with hand-made frames.
 * The sender's frame goes into the dataplane; whichever attached pod it is delivered to, and that owns the
 * destination address, answers as its kernel would (echo reply, SYN-ACK from a listener or RST otherwise, UDP echo);
 * the call succeeds when the answer reaches the sender. Every call uses a fresh source port or ICMP identifier, so
 * each is a new flow to conntrack.
 */
public final class MemoryPodNetwork implements PodNetwork {
    private static final int TCP_SYN = 0x02;
    private static final int TCP_RST = 0x04;
    private static final int TCP_ACK = 0x10;
    private static final int TCP_SYN_ACK = TCP_SYN | TCP_ACK;
    private static final int TCP_RST_ACK = TCP_RST | TCP_ACK;
    /** Linux's default ephemeral port range. */
    private static final int FIRST_EPHEMERAL = 32768;
    private static final int LAST_EPHEMERAL = 60999;
    private static final int PAYLOAD = 32;

    private record Listener(String podUid, int port) {
    }

    /** A frame delivered to a pod that owns its destination address. */
    private record Arrival(MemoryPod pod, ParsedFrame frame) {
    }

    private final MemoryDataplane dataplane;
    private final Set<Listener> listeners = new HashSet<>();
    private int nextPort = FIRST_EPHEMERAL;
    private int nextIdentifier = 1;

    public MemoryPodNetwork(Dataplane dataplane) {
        this.dataplane = MemoryDataplane.of(dataplane);
    }

    @Override
    public PodSpec pod(String namespace, String name, Map<String, String> labels, InterfaceAddress... addresses) {
        return PodSpec.builder(namespace, name)
                .labels(labels)
                .addInterface(Veth.of("eth0", addresses))
                .netns("/var/run/netns/" + namespace + "." + name) // never opened: the memory backend has no namespaces
                .build();
    }

    @Override
    public synchronized void listen(PodAttachment pod, int port) {
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port " + port + " is not 1..65535");
        listeners.add(new Listener(pod.spec().uid(), port));
    }

    @Override
    public synchronized boolean ping(PodAttachment from, IpAddress to) {
        MemoryPod sender = quiet(from);
        IpAddress source = sender.address(to.family());
        boolean v6 = to.family() == IpFamily.IPV6;
        int request = v6 ? 128 : 8;
        int reply = v6 ? 129 : 0;
        int identifier = nextIdentifier();
        sender.send(sender.frameTo(to).icmp(request, 0, identifier, PAYLOAD).build());
        Optional<Arrival> arrived = arrival(from, to, (f, bytes) -> isEcho(f, bytes, request, identifier));
        if (arrived.isEmpty()) return false;
        MemoryPod responder = arrived.get().pod();
        responder.send(frame(responder, to, source).icmp(reply, 0, identifier, PAYLOAD).build());
        return received(sender, (f, bytes) -> f.src().equals(Optional.of(to)) && isEcho(f, bytes, reply, identifier));
    }

    @Override
    public synchronized boolean tcpConnect(PodAttachment from, IpAddress to, int port) {
        MemoryPod sender = quiet(from);
        IpAddress source = sender.address(to.family());
        int sourcePort = nextPort();
        sender.send(sender.frameTo(to).tcp(sourcePort, port, TCP_SYN).build());
        Optional<Arrival> syn = arrival(from, to, (f, bytes) -> isTcp(f, sourcePort, port, TCP_SYN));
        if (syn.isEmpty()) return false;
        MemoryPod responder = syn.get().pod();
        boolean listening = listeners.contains(new Listener(responder.attachment().spec().uid(), port));
        responder.send(frame(responder, to, source).tcp(port, sourcePort, listening ? TCP_SYN_ACK : TCP_RST_ACK).build());
        boolean synAck = received(sender, (f, bytes) -> f.src().equals(Optional.of(to)) && isTcp(f, port, sourcePort, TCP_SYN_ACK));
        if (!synAck) return false;
        sender.send(sender.frameTo(to).tcp(sourcePort, port, TCP_ACK).build());
        return arrival(from, to, (f, bytes) -> isTcp(f, sourcePort, port, TCP_ACK)).isPresent();
    }

    @Override
    public synchronized boolean udp(PodAttachment from, IpAddress to, int port) {
        MemoryPod sender = quiet(from);
        IpAddress source = sender.address(to.family());
        int sourcePort = nextPort();
        sender.send(sender.frameTo(to).udp(sourcePort, port, PAYLOAD).build());
        Optional<Arrival> datagram = arrival(from, to, (f, bytes) -> isUdp(f, sourcePort, port));
        if (datagram.isEmpty()) return false;
        MemoryPod responder = datagram.get().pod();
        responder.send(frame(responder, to, source).udp(port, sourcePort, PAYLOAD).build());
        return received(sender, (f, bytes) -> f.src().equals(Optional.of(to)) && isUdp(f, port, sourcePort));
    }

    @Override
    public synchronized void remove(PodSpec pod) {
        listeners.removeIf(l -> l.podUid().equals(pod.uid()));
    }

    @Override
    public synchronized void close() {
        listeners.clear();
    }

    /** The sender's view with whatever earlier exchanges left in its queue thrown away. */
    private static MemoryPod quiet(PodAttachment from) {
        MemoryPod pod = MemoryPod.of(from);
        pod.receiveAll();
        return pod;
    }

    /**
     * The pod other than {@code from} that got a frame to {@code to} matching {@code wanted} and owns {@code to}, as
     * a pod's kernel accepts only its own addresses. Every other pod's queue is emptied along the way.
     */
    private Optional<Arrival> arrival(PodAttachment from, IpAddress to, FrameMatch wanted) {
        Arrival found = null;
        for (PodAttachment attachment : dataplane.pods().list()) {
            if (attachment == from) continue;
            MemoryPod pod = MemoryPod.of(attachment);
            boolean owns = owns(attachment, to);
            for (byte[] bytes : pod.receiveAll()) {
                ParsedFrame f = ParsedFrame.parse(bytes);
                if (found == null && owns && f.dst().equals(Optional.of(to)) && wanted.test(f, bytes)) found = new Arrival(pod, f);
            }
        }
        return Optional.ofNullable(found);
    }

    private static boolean received(MemoryPod pod, FrameMatch wanted) {
        List<byte[]> frames = pod.receiveAll();
        return frames.stream().anyMatch(bytes -> wanted.test(ParsedFrame.parse(bytes), bytes));
    }

    private static boolean owns(PodAttachment pod, IpAddress address) {
        return pod.interfaces().stream().flatMap(i -> i.addresses().stream()).anyMatch(a -> a.address().equals(address));
    }

    /** A frame the responder sends from {@code source} (the address it was reached at) back to {@code destination}. */
    private static FrameBuilder frame(MemoryPod responder, IpAddress source, IpAddress destination) {
        return FrameBuilder.ip(source.toString(), destination.toString()).from(responder.mac()).to(responder.gatewayMac());
    }

    private static boolean isEcho(ParsedFrame f, byte[] bytes, int type, int identifier) {
        boolean icmp = f.protocol() == 1 || f.protocol() == 58;
        return icmp && f.srcPort() == type && f.payloadOffset() >= 4 && icmpIdentifier(bytes, f) == identifier;
    }

    /** The echo identifier, the first half of the ICMP header's second word. */
    private static int icmpIdentifier(byte[] bytes, ParsedFrame f) {
        int at = f.payloadOffset() - 4;
        return ((bytes[at] & 0xff) << 8) | (bytes[at + 1] & 0xff);
    }

    private static boolean isTcp(ParsedFrame f, int sourcePort, int destinationPort, int flags) {
        return f.isTcp() && f.srcPort() == sourcePort && f.dstPort() == destinationPort && f.tcpFlags() == flags;
    }

    private static boolean isUdp(ParsedFrame f, int sourcePort, int destinationPort) {
        return f.isUdp() && f.srcPort() == sourcePort && f.dstPort() == destinationPort;
    }

    private int nextPort() {
        int port = nextPort;
        nextPort = port == LAST_EPHEMERAL ? FIRST_EPHEMERAL : port + 1;
        return port;
    }

    private int nextIdentifier() {
        int id = nextIdentifier;
        nextIdentifier = id == 0xffff ? 1 : id + 1;
        return id;
    }

    @FunctionalInterface
    private interface FrameMatch {
        boolean test(ParsedFrame frame, byte[] bytes);
    }
}
