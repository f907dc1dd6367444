package dev.booster.testkit.conformance;

import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpAddress;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;

import java.util.Map;

/**
 * The world around one dataplane as {@link DataplaneConformanceSuite} sees it: it makes pods for the backend and
 * drives traffic from inside them, reporting results as plain values. The memory backend plays both ends of every
 * exchange with hand-made frames; a real backend creates a network namespace per pod and runs {@code ping}, a TCP
 * listener and a UDP echo responder in them.
 *
 * <p>Every traffic call is one exchange, so counters can be checked against it: {@link #ping} is one echo request
 * and, when it arrives, one echo reply; {@link #udp} is one datagram and, when it arrives, one echoed datagram;
 * {@link #tcpConnect} is a handshake. A real backend may add its own packets (ARP, neighbour discovery,
 * retransmissions), never fewer.
 */
public interface PodNetwork extends AutoCloseable {

    /**
     * A spec for a pod with one interface {@code eth0} carrying {@code addresses}, ready for {@code pods().attach}.
     * A real backend creates the pod's network namespace here.
     */
    PodSpec pod(String namespace, String name, Map<String, String> labels, InterfaceAddress... addresses);

    /**
     * A spec for a pod whose one interface is a memif {@code eth0} carrying {@code addresses} (the dataplane the
     * master), with its application already started: a {@link MemifResponder} that answers {@link #ping} and
     * {@link #udp} once the pod is attached. Traffic calls that reach the pod wait for the application to connect.
     * Only as a destination: a memif pod neither sends pings nor accepts TCP here.
     */
    default PodSpec memifPod(String namespace, String name, Map<String, String> labels, InterfaceAddress... addresses) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " makes no memif pods");
    }

    /** From now on, the pod accepts TCP connections on {@code port} on all its addresses. */
    void listen(PodAttachment pod, int port);

    /** True when an ICMP (ICMPv6) echo request from {@code from} to {@code to} got its echo reply. */
    boolean ping(PodAttachment from, IpAddress to);

    /** True when a TCP connection from {@code from} to {@code to}:{@code port} was established (SYN, SYN-ACK, ACK). */
    boolean tcpConnect(PodAttachment from, IpAddress to, int port);

    /** True when a UDP datagram from {@code from} to {@code to}:{@code port} came back echoed by the pod owning {@code to}. */
    boolean udp(PodAttachment from, IpAddress to, int port);

    /** Releases what {@link #pod} made for {@code pod} (its namespace); called after the pod was detached. */
    void remove(PodSpec pod);

    /** Releases everything this network made (listeners, namespaces), even after a failed test. */
    @Override
    void close();
}
