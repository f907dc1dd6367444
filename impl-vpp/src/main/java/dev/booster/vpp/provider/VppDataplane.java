package dev.booster.vpp.provider;

import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneException;
import dev.booster.api.event.DataplaneEvent;
import dev.booster.api.pod.Pods;
import dev.booster.api.policy.Policies;
import dev.booster.api.service.Services;
import dev.booster.api.stats.Stats;
import dev.booster.api.tunnel.Tunnels;
import dev.booster.vpp.api.VppApiClient;
import dev.booster.vpp.api.VppApiException;
import dev.booster.vpp.api.codec.VppMessageType;
import dev.booster.vpp.binapi.IfStatusFlags;
import dev.booster.vpp.binapi.SwInterfaceEvent;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The {@code vpp} dataplane: pods ({@link VppPods}), policy on the acl plugin ({@link VppPolicies}), tunnels to
 * other nodes ({@link VppTunnels}), services on the cnat plugin ({@link VppServices}) and interface counters ({@link VppStats}) over a version-checked {@link VppApiClient}. Booster's pods and policy set are the
 * desired state: when VPP goes away (stopped, restarted) this publishes {@link DataplaneEvent.BackendLost},
 * reconnects with exponential backoff, makes every pod's VPP side, every ACL and every tunnel again on the new VPP and publishes
 * {@link DataplaneEvent.BackendRestored}. A pod interface whose link goes up or down (a memif's peer connecting, a
 * veth's pod end going down) is {@link DataplaneEvent.InterfaceStateChanged}, named by its host name as on the
 * engine's backends. What is not mapped onto VPP yet throws, saying why.
 */
public final class VppDataplane implements Dataplane {

    /**
     * What the shared conformance suite showed against a live VPP v26.06: veth (af_packet) and memif pods, IPv4 and
     * IPv6, Kubernetes policy with state (acl plugin, permit+reflect). Not TAP: VPP's tap needs /dev/vhost-net, which
     * the machine it ran on lacks, so no tap pod has carried traffic yet. Not POLICY_TIERS: tiers, Deny and Pass are
     * compiled (and checked against the engine's evaluator) but no live suite has exercised them. TUNNELS and IPSEC:
     * ipip, plain or with static-key ESP, carried pod traffic between a live VPP and an engine (afxdp) node
     * (VppTunnelInteropLiveTest); vxlan, ikev2-psk and WireGuard are refused, saying so. SERVICES: a ClusterIP on
     * cnat with Maglev spread a pod's connections over two endpoint pods, was replaced and removed
     * (VppServicesLiveTest); sessionAffinity ClientIP and dsr are refused, saying so.
     */
    static final Set<Capability> CAPABILITIES = Set.of(Capability.VETH, Capability.MEMIF, Capability.IPV6,
            Capability.POLICY, Capability.STATEFUL_POLICY, Capability.TUNNELS, Capability.IPSEC, Capability.SERVICES);

    /** The messages this dataplane may send, checked against VPP's table at open. */
    static final List<VppMessageType<?>> MESSAGES = VppInterfaces.MESSAGES;

    /** How long to wait before each reconnect attempt: {@code first}, doubling up to {@code max}. */
    public record Backoff(Duration first, Duration max) {
        public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    private static final System.Logger LOG = System.getLogger(VppDataplane.class.getName());

    /** Guards pods, policy and the session: one VPP conversation at a time, and reconnecting waits its turn. */
    final Object lock = new Object();
    private final Supplier<VppApiClient> connector;
    private final Backoff backoff;
    private final VppPods pods;
    private final VppPolicies policies;
    private final VppStats stats;
    private final VppTunnels tunnels;
    private final VppServices services;
    private final List<Consumer<? super DataplaneEvent>> listeners = new CopyOnWriteArrayList<>();
    /** Events go out in order on a thread of their own: a slow listener never holds up VPP's programming. */
    private final java.util.concurrent.ExecutorService eventDelivery = java.util.concurrent.Executors
            .newSingleThreadExecutor(runnable -> Thread.ofPlatform().daemon().name("vpp-events").unstarted(runnable));
    private volatile VppSession session;
    private volatile boolean closed;
    private Thread reconnector;

    /**
     * @param first     the connection to use now
     * @param connector makes a new connection after VPP went away (throws while VPP is not back)
     * @param host      the host side of veth and tap pods
     */
    public VppDataplane(VppApiClient first, Supplier<VppApiClient> connector, Backoff backoff, HostLinks host) {
        this(first, connector, backoff, host, Optional.empty());
    }

    /**
     * @param uplink the host interface VPP reaches other nodes through, for tunnels (none: tunnels are refused)
     */
    public VppDataplane(VppApiClient first, Supplier<VppApiClient> connector, Backoff backoff, HostLinks host,
                        Optional<VppUplink> uplink) {
        this.connector = connector;
        this.tunnels = new VppTunnels(this, uplink);
        this.backoff = backoff;
        this.pods = new VppPods(this, host);
        this.policies = new VppPolicies(this);
        this.stats = new VppStats(this);
        this.services = new VppServices(this);
        VppSession session = new VppSession(first);
        try {
            watchInterfaces(session);
        } catch (RuntimeException e) {
            first.close();
            throw e;
        }
        use(session);
    }

    @Override
    public String provider() {
        return VppProvider.NAME;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    /** VPP's interfaces and routes, one request each, on the current connection. */
    public VppInterfaces interfaces() {
        return session.interfaces;
    }

    /** The current API connection, for what the backend does not wrap yet. */
    public VppApiClient client() {
        return session.client;
    }

    @Override
    public Pods pods() {
        return pods;
    }

    @Override
    public Policies policies() {
        return policies;
    }

    @Override
    public Tunnels tunnels() {
        return tunnels;
    }

    @Override
    public Services services() {
        return services;
    }

    @Override
    public Stats stats() {
        return stats;
    }

    @Override
    public Subscription subscribe(Consumer<? super DataplaneEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * Removes the services and tunnels, detaches every pod (VPP's side and the host's), stops reconnecting and closes
     * the connection.
     */
    @Override
    public void close() {
        Thread stopping;
        synchronized (lock) {
            if (closed) return;
            closed = true;
            try {
                if (sessionIfConnected().isPresent()) tunnels.removeAll();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "could not remove the tunnels from VPP: " + e.getMessage(), e);
            }
            try {
                if (sessionIfConnected().isPresent()) services.removeAll();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "could not remove the services from VPP: " + e.getMessage(), e);
            }
            for (VppPods.Pod pod : pods.attached()) pods.detach(pod.spec().uid());
            try {
                sessionIfConnected().ifPresent(VppSession::releaseShared);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "could not delete the gateway loopback: " + e.getMessage(), e);
            }
            stopping = reconnector;
        }
        if (stopping != null) {
            stopping.interrupt();
            try {
                stopping.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        session.client.close();
        eventDelivery.shutdown(); // what was published before (the pods' PodDetached) is still delivered
    }

    // ------------------------------------------------------------------------------------------ internals

    VppPods podState() {
        return pods;
    }

    VppPolicies policyState() {
        return policies;
    }

    /** The current session; fails (saying VPP is away) while reconnecting. */
    VppSession session() {
        VppSession current = session;
        if (!current.isConnected()) {
            throw new DataplaneException("VPP is not connected (" + current.client.whenDisconnected()
                    .handle((ok, e) -> e == null ? "closed" : e.getMessage()).getNow("?") + "); the vpp backend is"
                    + " reconnecting and will re-apply pods and policy");
        }
        return current;
    }

    Optional<VppSession> sessionIfConnected() {
        VppSession current = session;
        return current.isConnected() ? Optional.of(current) : Optional.empty();
    }

    void publish(DataplaneEvent event) {
        try {
            eventDelivery.execute(() -> {
                for (Consumer<? super DataplaneEvent> listener : listeners) {
                    try {
                        listener.accept(event);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "event listener failed on " + event, e);
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // the dataplane is closed: nobody is listening any more
        }
    }

    /** Pod interfaces' link state, as VPP reports it, becomes {@link DataplaneEvent.InterfaceStateChanged}. */
    private void watchInterfaces(VppSession next) {
        next.client.subscribe(SwInterfaceEvent.TYPE, this::interfaceEvent);
        next.interfaces.watchInterfaceEvents();
    }

    private void interfaceEvent(SwInterfaceEvent event) {
        if (event.deleted()) return;
        boolean up = event.flags().has(IfStatusFlags.IF_STATUS_API_FLAG_LINK_UP);
        String hostName;
        synchronized (lock) {
            hostName = pods.linkChanged((int) event.swIfIndex(), up);
        }
        if (hostName != null) publish(new DataplaneEvent.InterfaceStateChanged(Instant.now(), hostName, up));
    }

    private void use(VppSession next) {
        session = next;
        next.client.whenDisconnected().whenComplete((ignored, lost) -> {
            if (lost != null && !closed) lost(lost.getMessage());
        });
    }

    private void lost(String reason) {
        publish(new DataplaneEvent.BackendLost(Instant.now(), reason));
        synchronized (lock) {
            if (closed) return;
            reconnector = Thread.ofPlatform().daemon().name("vpp-reconnect").start(this::reconnect);
        }
    }

    /** Tries to connect with backoff until VPP is back (or the dataplane closes), then re-applies everything. */
    private void reconnect() {
        Duration delay = backoff.first();
        while (!closed) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                return;
            }
            VppApiClient client;
            try {
                client = connector.get();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "VPP is not back yet: " + e.getMessage());
                delay = delay.multipliedBy(2).compareTo(backoff.max()) > 0 ? backoff.max() : delay.multipliedBy(2);
                continue;
            }
            try {
                synchronized (lock) {
                    if (closed) {
                        client.close();
                        return;
                    }
                    VppSession next = new VppSession(client);
                    watchInterfaces(next);
                    pods.reprogram(next);
                    policies.reinstall(next);
                    tunnels.reprogram(next);
                    services.reprogram(next);
                    reconnector = null;
                    use(next);
                }
                publish(new DataplaneEvent.BackendRestored(Instant.now()));
                return;
            } catch (RuntimeException e) {
                // VPP went away again while being re-programmed, or refused: start over on a new connection.
                LOG.log(System.Logger.Level.WARNING, "re-applying Booster's state to VPP failed; retrying: "
                        + e.getMessage(), e);
                client.close();
            }
        }
    }
}
