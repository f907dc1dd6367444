package dev.booster.vpp.provider;

import dev.booster.api.Capability;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.UnsupportedCapabilityException;
import dev.booster.api.event.DataplaneEvent;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpFamily;
import dev.booster.api.net.MacAddress;
import dev.booster.api.pod.AfXdp;
import dev.booster.api.pod.AttachedInterface;
import dev.booster.api.pod.InterfaceSpec;
import dev.booster.api.pod.Memif;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Pods;
import dev.booster.api.pod.Tap;
import dev.booster.api.pod.Veth;
import dev.booster.host.pod.HostVethNames;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pods on VPP, Calico/VPP style. Per interface VPP gets: the interface ({@code af_packet_create_v3} on a veth's host
 * end, {@code tap_create_v3} into the pod's netns, or {@code memif_socket_filename_add_del_v2} +
 * {@code memif_create_v2}), admin up, IPv4 by being unnumbered to the gateway loopback and/or IPv6 with link-local
 * {@code fe80::1}, and per pod address a static neighbour at the pod's MAC and a /32 or /128 route out of it.
 * The pods are the desired state: {@link #reprogram} makes all of it again on a fresh VPP.
 */
final class VppPods implements Pods {

    /** VPP's {@code tap_create_v3.host_namespace} is a {@code string[64]}. */
    static final int MAX_TAP_NAMESPACE = 63;

    private final VppDataplane dataplane;
    private final HostLinks host;
    private final Map<String, Pod> pods = new LinkedHashMap<>();
    private int nextTapId;

    VppPods(VppDataplane dataplane, HostLinks host) {
        this.dataplane = dataplane;
        this.host = host;
    }

    /** One interface of a pod: what was asked, the host-side names, and VPP's index for it in the current session. */
    static final class PodInterface {
        final InterfaceSpec spec;
        final String field;
        final String hostName;
        /** The pod side's MAC (given, or derived from the pod and interface); null for an IP-mode memif, which has none. */
        final MacAddress podMac;
        final int tapId;
        int swIfIndex = -1;
        /** The link state VPP last reported; null before its first report. */
        Boolean linkUp;
        /** What takes back each step VPP did for this interface in the current session, last step on top. */
        final java.util.ArrayDeque<Runnable> undo = new java.util.ArrayDeque<>();

        PodInterface(InterfaceSpec spec, String field, String hostName, MacAddress podMac, int tapId) {
            this.spec = spec;
            this.field = field;
            this.hostName = hostName;
            this.podMac = podMac;
            this.tapId = tapId;
        }
    }

    final class Pod implements PodAttachment {
        /** Changes in place through {@link #update} (labels and named ports only). */
        volatile PodSpec spec;
        final List<PodInterface> interfaces = new ArrayList<>();
        volatile boolean attached = true;

        Pod(PodSpec spec) {
            this.spec = spec;
        }

        @Override
        public PodSpec spec() {
            return spec;
        }

        @Override
        public List<AttachedInterface> interfaces() {
            synchronized (dataplane.lock) {
                return interfaces.stream().map(i -> new AttachedInterface(i.spec, i.hostName, i.podMac,
                        VppGateway.MAC, i.swIfIndex)).toList();
            }
        }

        @Override
        public boolean isAttached() {
            return attached;
        }

        @Override
        public void detach() {
            synchronized (dataplane.lock) {
                if (attached && pods.get(spec.uid()) == this) VppPods.this.detach(spec.uid());
            }
        }

        AclEndpoint endpoint() {
            List<IpAddress> addresses = new ArrayList<>();
            for (InterfaceSpec i : spec.interfaces()) for (InterfaceAddress a : i.addresses()) addresses.add(a.address());
            return new AclEndpoint(spec.uid(), spec.namespace(), spec.labels(), addresses, spec.namedPorts());
        }

        @Override
        public String toString() {
            return "pod " + spec.namespace() + "/" + spec.name() + " (" + spec.uid() + ")" + (attached ? "" : " detached");
        }
    }

    @Override
    public PodAttachment attach(PodSpec spec) {
        synchronized (dataplane.lock) {
            Pod existing = pods.get(spec.uid());
            if (existing != null) {
                if (existing.spec.equals(spec)) return existing;
                throw new InvalidSpecException("uid", "pod " + spec.uid() + " is already attached with a different"
                        + " spec; detach it first");
            }
            checkAddressesFree(spec);
            VppSession session = dataplane.session();
            Pod pod = new Pod(spec);
            try {
                for (int i = 0; i < spec.interfaces().size(); i++) {
                    PodInterface made = plan(spec, i);
                    pod.interfaces.add(made);
                    createHostSide(spec, made);
                    program(session, spec, made);
                }
            } catch (RuntimeException e) {
                undo(session, pod).forEach(e::addSuppressed);
                throw e;
            }
            pods.put(spec.uid(), pod);
            try {
                dataplane.policyState().endpointsChanged();
            } catch (RuntimeException e) {
                // Without its ACLs the pod would be open to what policy denies it: it does not stay.
                detach(spec.uid());
                throw e;
            }
            dataplane.publish(new DataplaneEvent.PodAttached(Instant.now(), spec.uid()));
            return pod;
        }
    }

    /** Labels and named ports only feed the ACL compiler: changing them recompiles, the interfaces stay. */
    @Override
    public PodAttachment update(PodSpec spec) {
        synchronized (dataplane.lock) {
            Pod pod = pods.get(spec.uid());
            if (pod == null) throw new InvalidSpecException("uid", "no pod " + spec.uid() + " is attached; attach it instead");
            PodSpec old = pod.spec;
            if (old.equals(spec)) return pod;
            String fixed = !old.namespace().equals(spec.namespace()) ? "namespace"
                    : !old.name().equals(spec.name()) ? "name"
                    : !old.netns().equals(spec.netns()) ? "netns"
                    : !old.interfaces().equals(spec.interfaces()) ? "interfaces" : null;
            if (fixed != null) {
                throw new InvalidSpecException(fixed, "differs from the attached pod " + spec.uid() + "'s; only labels"
                        + " and namedPorts change in place, detach and attach the pod to change its " + fixed);
            }
            pod.spec = spec;
            try {
                dataplane.policyState().endpointsChanged();
            } catch (RuntimeException e) {
                pod.spec = old;
                throw e;
            }
            return pod;
        }
    }

    @Override
    public boolean detach(String uid) {
        synchronized (dataplane.lock) {
            Pod pod = pods.remove(uid);
            if (pod == null) return false;
            pod.attached = false;
            dataplane.policyState().podDetached(pod);
            List<RuntimeException> failures = undo(dataplane.sessionIfConnected().orElse(null), pod);
            if (!failures.isEmpty()) {
                // The pod is gone from Booster's state either way; what VPP or the host kept is logged, not thrown.
                System.getLogger(VppPods.class.getName()).log(System.Logger.Level.WARNING, "detaching " + pod
                        + " left something behind: " + failures.getFirst().getMessage(), failures.getFirst());
            }
            dataplane.policyState().endpointsChanged();
            dataplane.publish(new DataplaneEvent.PodDetached(Instant.now(), uid));
            return true;
        }
    }

    @Override
    public Optional<PodAttachment> get(String uid) {
        synchronized (dataplane.lock) {
            return Optional.ofNullable(pods.get(uid));
        }
    }

    @Override
    public List<PodAttachment> list() {
        synchronized (dataplane.lock) {
            return List.copyOf(pods.values());
        }
    }

    /** The attached pods, under the dataplane's lock. */
    List<Pod> attached() {
        return List.copyOf(pods.values());
    }

    /**
     * Notes that VPP reported interface {@code swIfIndex}'s link {@code up}: the pod interface's host name when that
     * is a change of a pod interface, else null.
     */
    String linkChanged(int swIfIndex, boolean up) {
        for (Pod pod : pods.values()) {
            for (PodInterface i : pod.interfaces) {
                if (i.swIfIndex != swIfIndex) continue;
                if (Boolean.valueOf(up).equals(i.linkUp)) return null;
                i.linkUp = up;
                return i.hostName;
            }
        }
        return null;
    }

    /** Makes every pod's VPP side again on a VPP that lost it (a restart); the host side survived. */
    void reprogram(VppSession session) {
        for (Pod pod : pods.values()) {
            for (PodInterface i : pod.interfaces) {
                i.swIfIndex = -1;
                i.linkUp = null;
                i.undo.clear(); // the old VPP's objects died with it
            }
        }
        for (Pod pod : pods.values()) {
            for (PodInterface i : pod.interfaces) {
                try {
                    // A tap's pod end died with VPP; program makes and configures it again, as at attach.
                    program(session, pod.spec, i);
                } catch (RuntimeException e) {
                    if (!session.isConnected()) throw e; // VPP went away again: the caller starts over
                    // The new VPP refuses this interface (a tap without /dev/vhost-net...): the others still go in.
                    System.getLogger(VppPods.class.getName()).log(System.Logger.Level.WARNING, "the restarted VPP"
                            + " refused " + pod + " " + i.field + "; it stays without VPP's side until detached: "
                            + e.getMessage(), e);
                    takeBack(i, new ArrayList<>());
                }
            }
        }
    }

    private PodInterface plan(PodSpec spec, int i) {
        InterfaceSpec iface = spec.interfaces().get(i);
        String field = "interfaces[" + i + "]";
        MacAddress podMac = iface.mac().orElseGet(() -> VppGateway.podMac(spec.uid(), iface.name()));
        return switch (iface) {
            case Veth v -> new PodInterface(v, field, HostVethNames.of(spec.uid(), v.name()), podMac, -1);
            case Tap t -> {
                String netns = spec.netns().orElseThrow().toString();
                if (netns.getBytes(StandardCharsets.UTF_8).length > MAX_TAP_NAMESPACE) {
                    throw new InvalidSpecException("netns", netns + " is longer than the " + MAX_TAP_NAMESPACE
                            + " bytes VPP's tap_create_v3.host_namespace holds; pass a shorter path or an ip netns name"
                            + " under /var/run/netns");
                }
                yield new PodInterface(t, field, "tap" + nextTapId, podMac, nextTapId++);
            }
            // An Ethernet memif's application answers no ARP for its MAC as a kernel would (live: VPP's ARP went
            // unanswered and nothing reached the pod); as on the engine, a MAC not given is derived, and VPP is told
            // it through a static neighbour. The application takes every frame its memif brings.
            case Memif m -> new PodInterface(m, field, memifSocketName(spec, m),
                    m.mode() == Memif.Mode.IP ? null : podMac, -1);
            case AfXdp _ -> throw new UnsupportedCapabilityException(VppProvider.NAME, Capability.AF_XDP_POD,
                    "VPP's af_xdp interfaces are not mapped; attach the pod with Veth (af_packet), Tap or Memif");
        };
    }

    /**
     * Where VPP, the memif master, listens: a path as given, or for {@code @name} an abstract socket in the pod's
     * network namespace (VPP's {@code abstract:NAME,netns_name=PATH} form, as Calico/VPP uses it).
     */
    static String memifSocketName(PodSpec pod, Memif memif) {
        if (!memif.socketPath().startsWith("@")) return memif.socketPath();
        String name = "abstract:" + memif.socketPath().substring(1);
        return pod.netns().map(netns -> name + ",netns_name=" + netns).orElse(name);
    }

    private void createHostSide(PodSpec spec, PodInterface i) {
        Path netns = spec.netns().orElse(null);
        switch (i.spec) {
            case Veth v -> host.createVeth(netns, v, i.field, i.hostName, VppGateway.MAC, i.podMac);
            case Tap _, Memif _, AfXdp _ -> {
                // VPP makes these itself; a tap's pod side is configured once VPP made it (see program)
            }
        }
    }

    /**
     * Makes the interface's VPP side, noting after each step what takes it back (in {@code i.undo}), so that a
     * failure part way, a detach and a VPP restart all know exactly what VPP has.
     */
    private void program(VppSession session, PodSpec pod, PodInterface i) {
        VppInterfaces vpp = session.interfaces;
        switch (i.spec) {
            case Veth _ -> {
                i.swIfIndex = vpp.createAfPacket(i.hostName, VppGateway.MAC);
                i.undo.push(() -> vpp.deleteAfPacket(i.hostName));
            }
            case Tap t -> {
                int tap = vpp.createPodTap(i.tapId, t, pod.netns().orElseThrow().toString(), VppGateway.MAC, i.podMac);
                i.swIfIndex = tap;
                i.undo.push(() -> vpp.deleteTap(tap));
                host.configurePodSide(pod.netns().orElseThrow(), t, i.field, VppGateway.MAC);
            }
            case Memif m -> {
                long socket = session.useMemifSocket(i.hostName);
                i.undo.push(() -> session.releaseMemifSocket(i.hostName));
                int memif = vpp.createMemif(socket, m, m.mode() == Memif.Mode.IP ? Optional.empty()
                        : Optional.of(VppGateway.MAC));
                i.swIfIndex = memif;
                i.undo.push(() -> vpp.deleteMemif(memif));
            }
            case AfXdp _ -> throw new IllegalStateException("refused in plan");
        }
        int swIfIndex = i.swIfIndex;
        // Flags, unnumbered and IPv6 go with the interface; neighbours and routes must be taken back one by one.
        vpp.setAdminUp(swIfIndex, true);
        if (has(i.spec, IpFamily.IPV4)) vpp.setUnnumbered(swIfIndex, session.gatewayLoopback());
        if (has(i.spec, IpFamily.IPV6)) vpp.enableIp6(swIfIndex, VppGateway.IP6);
        for (InterfaceAddress address : i.spec.addresses()) {
            if (i.podMac != null) {
                vpp.addNeighbor(swIfIndex, address.address(), i.podMac);
                i.undo.push(() -> vpp.removeNeighbor(swIfIndex, address.address(), i.podMac));
            }
            vpp.addHostRoute(address.address(), swIfIndex);
            i.undo.push(() -> vpp.removeHostRoute(address.address(), swIfIndex));
        }
    }

    /** Takes back what a pod's interfaces made, last first, VPP's side only when VPP is there; what failed. */
    private List<RuntimeException> undo(VppSession session, Pod pod) {
        List<RuntimeException> failures = new ArrayList<>();
        for (PodInterface i : pod.interfaces.reversed()) {
            if (session != null && session.isConnected()) {
                takeBack(i, failures);
            } else {
                i.undo.clear(); // VPP went away and took all of it along
            }
            i.swIfIndex = -1;
            if (i.spec instanceof Veth) {
                try {
                    host.deleteVeth(i.hostName);
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }
        }
        return failures;
    }

    /** Runs the interface's undo steps, last first, each whatever the others did; failures go to {@code failures}. */
    private static void takeBack(PodInterface i, List<RuntimeException> failures) {
        while (!i.undo.isEmpty()) {
            try {
                i.undo.pop().run();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        i.swIfIndex = -1;
    }

    private static boolean has(InterfaceSpec spec, IpFamily family) {
        return spec.addresses().stream().anyMatch(a -> a.address().family() == family);
    }

    /** VPP would route an address to one pod only: another pod's address is refused before anything is made. */
    private void checkAddressesFree(PodSpec spec) {
        for (int k = 0; k < spec.interfaces().size(); k++) {
            List<InterfaceAddress> addresses = spec.interfaces().get(k).addresses();
            for (int m = 0; m < addresses.size(); m++) {
                IpAddress address = addresses.get(m).address();
                for (Pod other : pods.values()) {
                    if (other.endpoint().addresses().contains(address)) {
                        throw new InvalidSpecException("interfaces[" + k + "].addresses[" + m + "]", address
                                + " belongs to " + other + "; detach it first or use another address");
                    }
                }
            }
        }
    }
}
