package dev.booster.testkit;

import dev.booster.api.Dataplane;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpFamily;
import dev.booster.api.pod.Memif;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Veth;
import dev.booster.api.stats.InterfaceCounters;
import dev.booster.engine.frame.FrameBuilder;
import dev.booster.engine.frame.ParsedFrame;
import dev.booster.testkit.conformance.MemifResponder;
import dev.booster.testkit.conformance.PodNetwork;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@link PodNetwork} of the {@code memory} backend: it plays both ends of every exchange with hand-made frames.
 * The sender's frame goes into the dataplane; whichever attached pod it is delivered to, and that owns the
 * destination address, answers as its kernel would (echo reply, SYN-ACK from a listener or RST otherwise, UDP echo);
 * the call succeeds when the answer reaches the sender. Every call uses a fresh source port or ICMP identifier, so
 * each is a new flow to conntrack.
 *
 * <p>A memif pod's application is a real memif slave in this JVM ({@link MemifResponder}) that answers on its own
 * thread: a call to it succeeds when the reply reaches the sender within 2 s. Whether the request reached the memif at
 * all is known at once from the memif interface's counters, so a denied request fails without waiting.
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
    private static final Duration MEMIF_CONNECT = Duration.ofSeconds(5);
    private static final long MEMIF_REPLY_NANOS = 2_000_000_000L;
    private static final AtomicInteger MEMIF_SOCKETS = new AtomicInteger();

    private record Listener(String podUid, int port) {
    }

    /** A frame delivered to a pod that owns its destination address. */
    private record Arrival(MemoryPod pod, ParsedFrame frame) {
    }

    private final MemoryDataplane dataplane;
    private final Set<Listener> listeners = new HashSet<>();
    private final Map<String, MemifResponder> memifApplications = new HashMap<>();
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

    /** The memif's socket is an abstract name unique to this JVM and call; memory pods have no namespace to hold it. */
    @Override
    public synchronized PodSpec memifPod(String namespace, String name, Map<String, String> labels, InterfaceAddress... addresses) {
        String socket = "@booster-memory-" + ProcessHandle.current().pid() + "-" + MEMIF_SOCKETS.incrementAndGet();
        Memif memif = new Memif("eth0", List.of(addresses), List.of(), Memif.DEFAULT_MTU, Optional.empty(), Memif.Role.MASTER, socket,
                0, 1, 256, Memif.Mode.ETHERNET, Optional.empty());
        PodSpec spec = PodSpec.builder(namespace, name).labels(labels).addInterface(memif).build();
        memifApplications.put(spec.uid(), MemifResponder.start(memif));
        return spec;
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
        byte[] requestFrame = sender.frameTo(to).icmp(request, 0, identifier, PAYLOAD).build();
        Optional<PodAttachment> memifPod = memifPodOwning(to);
        if (memifPod.isPresent()) {
            return viaMemif(sender, requestFrame, memifPod.get(), (f, bytes) -> f.src().equals(Optional.of(to)) && isEcho(f, bytes, reply, identifier));
        }
        sender.send(requestFrame);
        Optional<Arrival> arrived = arrival(from, to, (f, bytes) -> isEcho(f, bytes, request, identifier));
        if (arrived.isEmpty()) return false;
        MemoryPod responder = arrived.get().pod();
        responder.send(frame(responder, to, source).icmp(reply, 0, identifier, PAYLOAD).build());
        return received(sender, (f, bytes) -> f.src().equals(Optional.of(to)) && isEcho(f, bytes, reply, identifier));
    }

    @Override
    public synchronized boolean tcpConnect(PodAttachment from, IpAddress to, int port) {
        if (memifPodOwning(to).isPresent()) throw new UnsupportedOperationException("a memif pod's application answers ping and UDP, not TCP");
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
        byte[] datagramFrame = sender.frameTo(to).udp(sourcePort, port, PAYLOAD).build();
        Optional<PodAttachment> memifPod = memifPodOwning(to);
        if (memifPod.isPresent()) {
            return viaMemif(sender, datagramFrame, memifPod.get(), (f, bytes) -> f.src().equals(Optional.of(to)) && isUdp(f, port, sourcePort));
        }
        sender.send(datagramFrame);
        Optional<Arrival> datagram = arrival(from, to, (f, bytes) -> isUdp(f, sourcePort, port));
        if (datagram.isEmpty()) return false;
        MemoryPod responder = datagram.get().pod();
        responder.send(frame(responder, to, source).udp(port, sourcePort, PAYLOAD).build());
        return received(sender, (f, bytes) -> f.src().equals(Optional.of(to)) && isUdp(f, port, sourcePort));
    }

    @Override
    public synchronized void remove(PodSpec pod) {
        listeners.removeIf(l -> l.podUid().equals(pod.uid()));
        MemifResponder application = memifApplications.remove(pod.uid());
        if (application != null) application.close();
    }

    @Override
    public synchronized void close() {
        listeners.clear();
        memifApplications.values().forEach(MemifResponder::close);
        memifApplications.clear();
    }

    /** The attached memif pod that owns {@code address}, if any. */
    private Optional<PodAttachment> memifPodOwning(IpAddress address) {
        return dataplane.pods().list().stream().filter(p -> memifApplications.containsKey(p.spec().uid()) && owns(p, address)).findFirst();
    }

    /**
     * Sends {@code frame} to a memif pod and waits for the reply its application sends; fails at once when the
     * dataplane did not hand the request to the memif (dropped on the way, e.g. by policy).
     */
    private boolean viaMemif(MemoryPod sender, byte[] frame, PodAttachment memifPod, FrameMatch reply) {
        MemifResponder application = memifApplications.get(memifPod.spec().uid());
        if (!application.awaitConnected(MEMIF_CONNECT)) throw new AssertionError("the application of " + memifPod + " did not connect");
        long delivered = txPackets(memifPod);
        sender.send(frame);
        if (txPackets(memifPod) == delivered) return false;
        long deadline = System.nanoTime() + MEMIF_REPLY_NANOS;
        while (System.nanoTime() < deadline) {
            for (byte[] bytes : sender.receiveAll()) {
                if (reply.test(ParsedFrame.parse(bytes), bytes)) return true;
            }
            LockSupport.parkNanos(100_000);
        }
        return false;
    }

    private long txPackets(PodAttachment pod) {
        int index = pod.interfaces().getFirst().index();
        return dataplane.stats().interfaces().stream().filter(c -> c.index() == index).mapToLong(InterfaceCounters::txPackets).sum();
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
            if (attachment == from || memifApplications.containsKey(attachment.spec().uid())) continue;
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
