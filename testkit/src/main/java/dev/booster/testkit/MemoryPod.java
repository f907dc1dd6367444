package dev.booster.testkit;

import dev.booster.api.net.Ip4Address;
import dev.booster.api.net.Ip6Address;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpFamily;
import dev.booster.api.net.MacAddress;
import dev.booster.api.pod.AttachedInterface;
import dev.booster.api.pod.PodAttachment;
import dev.booster.engine.dataplane.EngineDataplane;
import dev.booster.engine.frame.FrameBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A pod of the {@code memory} backend seen from inside: send frames from one of its interfaces, read what was
 * delivered to it. Obtain it with {@link #of(PodAttachment)} from what {@code dp.pods().attach(...)} returned.
 *
 * <pre>{@code
 * MemoryPod a = MemoryPod.of(dp.pods().attach(specA));
 * a.send(a.frameTo(b.address()).udp(5000, 53, 32).build());
 * byte[] got = b.receive().orElseThrow();
 * }</pre>
 */
public final class MemoryPod {
    private final PodAttachment attachment;
    private final List<MemoryPort> ports;

    private MemoryPod(PodAttachment attachment, List<MemoryPort> ports) {
        this.attachment = attachment;
        this.ports = ports;
    }

    /** The memory backend's view of {@code attachment}; fails for a pod another provider attached. */
    public static MemoryPod of(PodAttachment attachment) {
        List<MemoryPort> ports = new ArrayList<>();
        for (int i = 0; i < attachment.interfaces().size(); i++) {
            if (!(EngineDataplane.portOf(attachment, i) instanceof MemoryPort p)) {
                throw new IllegalArgumentException(attachment + " was not attached by the memory provider");
            }
            ports.add(p);
        }
        return new MemoryPod(attachment, List.copyOf(ports));
    }

    public PodAttachment attachment() {
        return attachment;
    }

    /** Sends {@code frame} from the pod's first interface and lets the dataplane process it before returning. */
    public void send(byte[] frame) {
        send(0, frame);
    }

    public void send(int interfaceIndex, byte[] frame) {
        ports.get(interfaceIndex).send(frame);
    }

    /** The oldest frame delivered to the first interface and not yet read. */
    public Optional<byte[]> receive() {
        return receive(0);
    }

    public Optional<byte[]> receive(int interfaceIndex) {
        return Optional.ofNullable(ports.get(interfaceIndex).poll());
    }

    /** Every frame delivered to the first interface and not yet read, oldest first. */
    public List<byte[]> receiveAll() {
        List<byte[]> all = new ArrayList<>();
        for (byte[] f; (f = ports.get(0).poll()) != null; ) all.add(f);
        return all;
    }

    /** Frames delivered while the pod's queue was full (never read), and so lost. */
    public long overflow() {
        return ports.stream().mapToLong(MemoryPort::overflow).sum();
    }

    /** The first address of {@code family} on the first interface. */
    public IpAddress address(IpFamily family) {
        return primary().addresses().stream().map(a -> a.address()).filter(a -> a.family() == family).findFirst()
                .orElseThrow(() -> new IllegalStateException(attachment + " has no " + family + " address"));
    }

    public Ip4Address ipv4() {
        return (Ip4Address) address(IpFamily.IPV4);
    }

    public Ip6Address ipv6() {
        return (Ip6Address) address(IpFamily.IPV6);
    }

    public MacAddress mac() {
        return primary().podMac();
    }

    public MacAddress gatewayMac() {
        return primary().gatewayMac();
    }

    /** A frame from this pod's first interface to {@code destination} through its gateway; add L4 and build. */
    public FrameBuilder frameTo(IpAddress destination) {
        IpAddress source = address(destination.family());
        return FrameBuilder.ip(source.toString(), destination.toString()).from(mac()).to(gatewayMac());
    }

    private AttachedInterface primary() {
        return attachment.interfaces().getFirst();
    }

    @Override
    public String toString() {
        return attachment.toString();
    }
}
