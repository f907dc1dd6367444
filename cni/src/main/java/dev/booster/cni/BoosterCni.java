package dev.booster.cni;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneException;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.UnsupportedCapabilityException;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpFamily;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.Route;
import dev.booster.api.pod.AttachedInterface;
import dev.booster.api.pod.InterfaceNames;
import dev.booster.api.pod.InterfaceSpec;
import dev.booster.api.pod.Memif;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Veth;
import dev.booster.cni.NetworkConfig.AttachmentKey;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * Booster as a CNI plugin, callable from Java: {@link #handle(Map, byte[])} takes what a runtime gives a plugin
 * (environment and stdin) and returns what the plugin prints and its exit code. The {@code booster-cni} binary is a
 * launcher that forwards to a {@link CniServer} calling this; a custom Java CNI can call it directly and reuse
 * Booster whole.
 *
 * <pre>{@code
 * try (Dataplane dp = Dataplanes.open(DataplaneConfig.builder().provider("afxdp").build())) {
 *     BoosterCni cni = BoosterCni.builder(dp).build();
 *     CniResponse response = cni.handle(System.getenv(), System.in.readAllBytes());
 *     System.out.print(response.stdout());
 *     System.exit(response.exitCode());
 * }
 * }</pre>
 *
 * <p>What it does per command (SPEC.md 0.4.0, 1.0.0, 1.1.0):
 * <ul>
 *   <li>ADD: checks every input (naming the variable or field) before anything touches the host; runs the IPAM
 *       plugin; attaches a pod with a veth {@code CNI_IFNAME} carrying the IPAM addresses as host addresses (/32,
 *       /128) routed via Booster's gateway (Calico style), plus extra interfaces ({@link ExtraInterfaces}); answers
 *       {@code prevResult} followed by what it made. A failed attach releases the IPAM allocation. ADD again for an
 *       attachment still in place (its namespace alive, its interface there with its MAC) in the same namespace
 *       returns its result (a retried ADD leaks nothing); in another namespace it is refused (code 101); when its
 *       namespace is gone (deleted without DEL, perhaps made again under the same name) the old attachment is
 *       cleared first.</li>
 *   <li>DEL: detaches the pod if attached and always runs IPAM DEL; succeeds for unknown containers and gone
 *       namespaces.</li>
 *   <li>CHECK: compares {@code prevResult}, the dataplane's attachment and the kernel's interface (present, up, MAC
 *       and addresses as prevResult says; the MTU only when prevResult states it, as 1.1.0 results do, since a later
 *       plugin such as tuning may change it), then runs IPAM CHECK.</li>
 *   <li>STATUS (1.1.0): the dataplane answers and the IPAM plugin is there (and ready, if it speaks 1.1.0); else 50.</li>
 *   <li>GC (1.1.0): removes this network's attachments missing from {@code cni.dev/valid-attachments} as DEL
 *       would, then forwards GC to the IPAM plugin (when it speaks 1.1.0).</li>
 *   <li>VERSION: echoes the asked version with the supported ones.</li>
 * </ul>
 * Attachments are remembered in memory, keyed by {@code (CNI_CONTAINERID, CNI_IFNAME)}; the pod's uid in the
 * dataplane is {@code CONTAINERID/IFNAME}. Thread-safe: requests for different attachments run in parallel.
 */
public final class BoosterCni {
    private static final System.Logger LOG = System.getLogger(BoosterCni.class.getName());
    /** SPEC.md: "Must start with an alphanumeric character, optionally followed by ... alphanumeric, _, . or -". */
    private static final Pattern CONTAINER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]*");
    private static final int LOCK_STRIPES = 64;

    private final Dataplane dataplane;
    private final IpAddress gateway4;
    private final IpAddress gateway6;
    private final InterfaceInspector inspector;
    private final PodMetadataSource metadata;
    private final Ipam ipam;
    private final Map<AttachmentKey, Attachment> attachments = new ConcurrentHashMap<>();
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];

    /** What ADD made, kept for idempotent ADD, CHECK and GC. */
    private record Attachment(AttachmentKey key, String network, String netns, String netnsIdentity, String podUid, CniResult result,
                              Map<String, String> environment, List<Path> cniPath, ObjectNode config) {
    }

    private BoosterCni(Builder b) {
        this.dataplane = b.dataplane;
        this.gateway4 = b.gateway4;
        this.gateway6 = b.gateway6;
        this.inspector = b.inspector;
        this.metadata = b.metadata;
        this.ipam = new Ipam(new DelegatedPlugins(b.delegateTimeout));
        for (int i = 0; i < LOCK_STRIPES; i++) locks[i] = new ReentrantLock();
    }

    public static Builder builder(Dataplane dataplane) {
        return new Builder(dataplane);
    }

    public Dataplane dataplane() {
        return dataplane;
    }

    /** Handles one plugin invocation given as the runtime gives it: the environment and the bytes of stdin. */
    public CniResponse handle(Map<String, String> environment, byte[] stdin) {
        CniRequest request;
        try {
            request = CniRequest.fromEnvironment(environment, stdin);
        } catch (CniException e) {
            return e.error();
        }
        return handle(request);
    }

    /** Handles one plugin invocation. Never throws: every failure is a {@link CniError}. */
    public CniResponse handle(CniRequest request) {
        String version = request.cniVersionText();
        try {
            if (request.command() == CniCommand.VERSION) return version(request);
            NetworkConfig config = NetworkConfig.parse(request.config(), request.command());
            return switch (request.command()) {
                case ADD -> add(request, config);
                case DEL -> del(request, config);
                case CHECK -> check(request, config);
                case STATUS -> status(request, config);
                case GC -> gc(request, config);
                case VERSION -> throw new IllegalStateException("handled above");
            };
        } catch (CniException e) {
            return e.error().cniVersion().equals(CniVersion.LATEST.toString()) && !version.isEmpty() ? e.error().withVersion(version) : e.error();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "booster-cni " + request.command() + " " + request.containerId() + " failed unexpectedly", e);
            return new CniError(version, CniError.DATAPLANE_FAILURE, "booster-cni " + request.command() + " failed: " + e, "see the agent's log");
        }
    }

    private CniResponse version(CniRequest request) {
        String asked = request.cniVersionText();
        return new CniVersionInfo(asked.isEmpty() ? CniVersion.LATEST.toString() : asked, CniVersion.supported());
    }

    // ---- ADD ----

    private CniResponse add(CniRequest request, NetworkConfig config) {
        String v = config.version().toString();
        AttachmentKey key = checkAttachmentParameters(request, v);
        Path netns = NetnsPaths.check(request.netns(), v);
        String namespace = request.args().getOrDefault("K8S_POD_NAMESPACE", "default");
        String name = request.args().getOrDefault("K8S_POD_NAME", request.containerId());
        Optional<PodMetadataSource.PodMetadata> pod = metadata.lookup(namespace, name);
        List<InterfaceSpec> extra = ExtraInterfaces.from(pod.map(PodMetadataSource.PodMetadata::annotations).orElse(Map.of()), config);
        ReentrantLock lock = lockOf(key);
        lock.lock();
        try {
            String identity = NetnsPaths.identity(request.netns());
            Attachment existing = attachments.get(key);
            if (existing != null) {
                boolean attached = dataplane.pods().get(existing.podUid()).filter(PodAttachment::isAttached).isPresent();
                if (attached && stillInPlace(existing)) {
                    if (existing.netnsIdentity().equals(identity)) return answer(config, existing.result());
                    throw new CniException(v, CniError.ATTACHMENT_CONFLICT, "attachment " + key + " exists in netns " + existing.netns()
                            + ", not " + request.netns(), "DEL it first: a container's interface lives in one namespace");
                }
                // Its namespace is gone (perhaps made again under the same name) without a DEL: clear it away.
                forget(existing);
            }
            long started = System.nanoTime();
            CniResult allocated = ipam.add(request, config);
            long allocatedAt = System.nanoTime();
            PodAttachment attachment;
            try {
                PodSpec spec = podSpec(key, namespace, name, netns, config, allocated, extra, pod);
                attachment = dataplane.pods().attach(spec);
                LOG.log(System.Logger.Level.DEBUG, () -> String.format("ADD %s: ipam %.1f ms, attach %.1f ms", key,
                        (allocatedAt - started) / 1e6, (System.nanoTime() - allocatedAt) / 1e6));
            } catch (RuntimeException e) {
                releaseQuietly(request, config);
                throw dataplaneError(e, v, extra);
            }
            CniResult made = resultOf(attachment, request.netns(), config.version(), allocated.dns().isEmpty() ? config.dns() : allocated.dns());
            attachments.put(key, new Attachment(key, config.name(), request.netns(), identity, attachment.spec().uid(), made, request.environment(),
                    request.path(), withoutPrevResult(config.json())));
            return answer(config, made);
        } finally {
            lock.unlock();
        }
    }

    private static CniResult answer(NetworkConfig config, CniResult made) {
        CniResult own = made.as(config.version());
        return config.prevResult().map(prev -> prev.as(config.version()).followedBy(own)).orElse(own);
    }

    private PodSpec podSpec(AttachmentKey key, String namespace, String name, Path netns, NetworkConfig config, CniResult allocated,
                            List<InterfaceSpec> extra, Optional<PodMetadataSource.PodMetadata> pod) {
        List<InterfaceAddress> addresses = new ArrayList<>();
        for (CniResult.IpConfig ip : allocated.ips()) {
            IpAddress a = ip.address().address();
            addresses.add(new InterfaceAddress(a, a.bitLength()));
        }
        List<Route> routes = new ArrayList<>();
        for (CniResult.RouteEntry r : allocated.routes()) routes.add(Route.onLink(r.dst()));
        PodSpec.Builder b = PodSpec.builder(namespace, name).uid(key.toString()).netns(netns)
                .addInterface(new Veth(key.ifName(), addresses, routes, config.mtu(), Optional.empty()));
        extra.forEach(b::addInterface);
        pod.ifPresent(p -> {
            b.labels(p.labels());
            p.namedPorts().forEach(b::addNamedPort);
        });
        return b.build();
    }

    /**
     * The interfaces, addresses and routes as the dataplane made them (the pod's addresses route via Booster's
     * gateway), with the DNS the IPAM plugin gave, else the configuration's (as the bridge plugin does).
     */
    private CniResult resultOf(PodAttachment attachment, String netns, CniVersion version, CniResult.Dns dns) {
        List<CniResult.Interface> interfaces = new ArrayList<>();
        List<CniResult.IpConfig> ips = new ArrayList<>();
        List<CniResult.RouteEntry> routes = new ArrayList<>();
        for (AttachedInterface ai : attachment.interfaces()) {
            InterfaceSpec spec = ai.spec();
            String podMac = ai.podMac() == null ? null : ai.podMac().toString();
            if (spec instanceof Memif memif) {
                Optional<String> socket = memif.socketPath().startsWith("/") ? Optional.of(memif.socketPath()) : Optional.empty();
                interfaces.add(new CniResult.Interface(spec.name(), Optional.ofNullable(podMac), OptionalInt.of(spec.mtu()),
                        Optional.of(netns), socket, Optional.empty()));
            } else {
                interfaces.add(new CniResult.Interface(ai.hostName(), Optional.of(ai.gatewayMac().toString()), OptionalInt.of(spec.mtu()),
                        Optional.empty(), Optional.empty(), Optional.empty()));
                interfaces.add(new CniResult.Interface(spec.name(), Optional.ofNullable(podMac), OptionalInt.of(spec.mtu()),
                        Optional.of(netns), Optional.empty(), Optional.empty()));
            }
            int index = interfaces.size() - 1;
            Set<IpFamily> families = new LinkedHashSet<>();
            for (InterfaceAddress a : spec.addresses()) {
                families.add(a.address().family());
                ips.add(new CniResult.IpConfig(a, Optional.of(gatewayOf(a.address().family())), OptionalInt.of(index)));
            }
            if (spec instanceof Memif) continue;
            if (spec.routes().isEmpty()) {
                for (IpFamily f : families) routes.add(CniResult.RouteEntry.of(f == IpFamily.IPV4 ? IpPrefix.parse("0.0.0.0/0") : IpPrefix.parse("::/0"), gatewayOf(f)));
            } else {
                for (Route r : spec.routes()) routes.add(CniResult.RouteEntry.of(r.destination(), gatewayOf(r.destination().family())));
            }
        }
        return new CniResult(version, interfaces, ips, routes, dns);
    }

    private IpAddress gatewayOf(IpFamily family) {
        return family == IpFamily.IPV4 ? gateway4 : gateway6;
    }

    // ---- DEL ----

    private CniResponse del(CniRequest request, NetworkConfig config) {
        String v = config.version().toString();
        AttachmentKey key = checkAttachmentParameters(request, v);
        ReentrantLock lock = lockOf(key);
        lock.lock();
        try {
            Attachment existing = attachments.remove(key);
            RuntimeException detachFailure = null;
            long started = System.nanoTime();
            try {
                dataplane.pods().detach(existing != null ? existing.podUid() : key.toString());
            } catch (RuntimeException e) {
                detachFailure = e;
            }
            long detachedAt = System.nanoTime();
            // Always: the allocation may outlive Booster's memory of it (an agent restart), and IPAM DEL is idempotent.
            ipam.run(CniCommand.DEL, request.environment(), request.path(), config, config.json());
            LOG.log(System.Logger.Level.DEBUG, () -> String.format("DEL %s: detach %.1f ms, ipam %.1f ms", key,
                    (detachedAt - started) / 1e6, (System.nanoTime() - detachedAt) / 1e6));
            if (detachFailure != null) throw dataplaneError(detachFailure, v, List.of());
            return new CniNoOutput(CniCommand.DEL);
        } finally {
            lock.unlock();
        }
    }

    // ---- CHECK ----

    private CniResponse check(CniRequest request, NetworkConfig config) {
        String v = config.version().toString();
        AttachmentKey key = checkAttachmentParameters(request, v);
        Path netns = NetnsPaths.check(request.netns(), v);
        CniResult prev = config.prevResult().orElseThrow(() -> NetworkConfig.invalid(v, "prevResult", "is missing",
                "CHECK compares against the result of ADD: the runtime must pass it as prevResult"));
        Attachment known = attachments.get(key);
        String uid = known != null ? known.podUid() : key.toString();
        PodAttachment attachment = dataplane.pods().get(uid).filter(PodAttachment::isAttached).orElseThrow(() ->
                new CniException(v, CniError.UNKNOWN_CONTAINER, "attachment " + key + " is not in the dataplane", "it was never added, or was deleted"));
        new AttachmentCheck(v, key, request.netns(), netns).verify(prev, attachment, inspector);
        ipam.run(CniCommand.CHECK, request.environment(), request.path(), config, config.json());
        return new CniNoOutput(CniCommand.CHECK);
    }

    // ---- STATUS and GC (1.1.0) ----

    private CniResponse status(CniRequest request, NetworkConfig config) {
        String v = config.version().toString();
        try {
            dataplane.pods().list();
        } catch (RuntimeException e) {
            throw new CniException(v, CniError.NOT_AVAILABLE, "the Booster dataplane does not answer: " + e.getMessage(), "see the agent's log");
        }
        if (config.ipamType().isPresent()) {
            try {
                ipam.run(CniCommand.STATUS, request.environment(), request.path(), config, config.json());
            } catch (CniException e) {
                CniError cause = e.error();
                if (cause.code() == CniError.NOT_AVAILABLE || cause.code() == CniError.NOT_AVAILABLE_LIMITED) throw e;
                throw new CniException(v, CniError.NOT_AVAILABLE, "IPAM is not available: " + cause.msg(), cause.details());
            }
        }
        return new CniNoOutput(CniCommand.STATUS);
    }

    private CniResponse gc(CniRequest request, NetworkConfig config) {
        String v = config.version().toString();
        Set<AttachmentKey> valid = new HashSet<>(config.validAttachments().orElseThrow());
        List<String> failures = new ArrayList<>();
        int stale = 0;
        for (Attachment a : List.copyOf(attachments.values())) {
            if (!a.network().equals(config.name()) || valid.contains(a.key())) continue;
            stale++;
            ReentrantLock lock = lockOf(a.key());
            lock.lock();
            try {
                if (attachments.get(a.key()) != a) continue;
                dataplane.pods().detach(a.podUid());
                Map<String, String> env = new java.util.LinkedHashMap<>(a.environment());
                ipam.run(CniCommand.DEL, env, a.cniPath(), config, a.config());
                attachments.remove(a.key());
            } catch (RuntimeException e) {
                failures.add(a.key() + ": " + (e instanceof CniException c ? c.error().toString() : e.toString()));
            } finally {
                lock.unlock();
            }
        }
        if (config.ipamType().isPresent()) {
            try {
                ipam.run(CniCommand.GC, request.environment(), request.path(), config, config.json());
            } catch (CniException e) {
                failures.add("IPAM GC: " + e.error());
            }
        }
        if (!failures.isEmpty()) {
            throw new CniException(v, CniError.DATAPLANE_FAILURE, "GC could not remove " + failures.size() + " of " + stale + " stale attachments",
                    String.join("; ", failures));
        }
        return new CniNoOutput(CniCommand.GC);
    }

    // ---- shared ----

    /** Checks CNI_CONTAINERID and CNI_IFNAME, the attachment's identity. */
    private static AttachmentKey checkAttachmentParameters(CniRequest request, String v) {
        String id = request.containerId();
        List<String> bad = new ArrayList<>();
        if (id.isEmpty()) bad.add("CNI_CONTAINERID is not set");
        else if (!CONTAINER_ID.matcher(id).matches()) {
            bad.add("CNI_CONTAINERID \"" + id + "\" must start with a letter or digit and hold only letters, digits, '_', '.' and '-'");
        }
        try {
            InterfaceNames.check("CNI_IFNAME", request.ifName());
        } catch (InvalidSpecException e) {
            bad.add(e.getMessage());
        }
        if (!bad.isEmpty()) throw new CniException(v, CniError.INVALID_ENVIRONMENT, String.join("; ", bad), "set them as SPEC.md section 2 says");
        return new AttachmentKey(id, request.ifName());
    }

    private CniException dataplaneError(RuntimeException e, String v, List<InterfaceSpec> extra) {
        if (e instanceof CniException c) return c;
        if (e instanceof UnsupportedCapabilityException u) {
            return new CniException(v, CniError.UNSUPPORTED_FIELD, "unsupported interface asked for: " + describe(extra), u.getMessage());
        }
        if (e instanceof InvalidSpecException s) {
            if (s.field().startsWith("netns")) return new CniException(v, CniError.INVALID_ENVIRONMENT, "CNI_NETNS: " + s.problem(), "pass the pod's network namespace");
            if (s.field().equals("interfaces[0].name") || s.field().equals("name")) {
                return new CniException(v, CniError.INVALID_ENVIRONMENT, "CNI_IFNAME: " + s.problem(), "choose another interface name");
            }
            return new CniException(v, CniError.INVALID_CONFIG, "the pod cannot be attached: " + s.getMessage(), "fix the field named");
        }
        LOG.log(System.Logger.Level.WARNING, "dataplane refused an attachment", e);
        return new CniException(v, CniError.DATAPLANE_FAILURE, "the dataplane failed: " + e.getMessage(),
                e instanceof DataplaneException ? "nothing was left half-made" : e.toString());
    }

    private static String describe(List<InterfaceSpec> extra) {
        List<String> parts = new ArrayList<>();
        for (InterfaceSpec s : extra) parts.add(s.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " " + s.name());
        return ExtraInterfaces.MEMIF + "/" + ExtraInterfaces.INTERFACES + " = " + parts;
    }

    private void releaseQuietly(CniRequest request, NetworkConfig config) {
        try {
            ipam.run(CniCommand.DEL, request.environment(), request.path(), config, config.json());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "IPAM DEL after a failed attach of " + request.containerId() + " failed: " + e.getMessage());
        }
    }

    /**
     * Whether the attachment's namespace is the one it was made in and still holds its interface. The path alone
     * cannot say (a namespace deleted and made again under the same name has the same path), nor can the nsfs inode
     * (the kernel reuses namespace inode numbers), so the interface itself is looked for, with its MAC.
     */
    private boolean stillInPlace(Attachment a) {
        if (a.netnsIdentity().isEmpty() || !a.netnsIdentity().equals(NetnsPaths.identity(a.netns()))) return false;
        Optional<String> mac = a.result().interfaces().stream()
                .filter(i -> i.name().equals(a.key().ifName()) && i.sandbox().isPresent()).findFirst().flatMap(CniResult.Interface::mac);
        return inspector.inspect(Path.of(a.netns()), a.key().ifName())
                .map(seen -> mac.map(m -> m.equalsIgnoreCase(seen.mac())).orElse(true)).orElse(false);
    }

    private void forget(Attachment stale) {
        attachments.remove(stale.key());
        try {
            dataplane.pods().detach(stale.podUid());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "detaching stale attachment " + stale.key() + " failed: " + e.getMessage());
        }
        try {
            ipam.run(CniCommand.DEL, stale.environment(), stale.cniPath(), NetworkConfig.parse(stale.config(), CniCommand.DEL), stale.config());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "releasing the addresses of stale attachment " + stale.key() + " failed: " + e.getMessage());
        }
    }

    private static ObjectNode withoutPrevResult(ObjectNode json) {
        ObjectNode copy = json.deepCopy();
        copy.remove("prevResult");
        return copy;
    }

    private ReentrantLock lockOf(AttachmentKey key) {
        return locks[Math.floorMod(key.hashCode(), LOCK_STRIPES)];
    }

    public static final class Builder {
        private final Dataplane dataplane;
        private IpAddress gateway4 = IpAddress.parse("169.254.1.1");
        private IpAddress gateway6 = IpAddress.parse("fe80::1");
        private InterfaceInspector inspector = InterfaceInspector.iproute2();
        private PodMetadataSource metadata = PodMetadataSource.none();
        private Duration delegateTimeout = Duration.ofSeconds(20);

        private Builder(Dataplane dataplane) {
            this.dataplane = Objects.requireNonNull(dataplane, "dataplane");
        }

        /** The gateways the dataplane answers for (the engine's, Calico's 169.254.1.1 and fe80::1 by default), reported in results. */
        public Builder gateways(IpAddress ipv4, IpAddress ipv6) {
            if (ipv4.family() != IpFamily.IPV4 || ipv6.family() != IpFamily.IPV6) throw new IllegalArgumentException("gateways: give an IPv4 and an IPv6 address");
            this.gateway4 = ipv4;
            this.gateway6 = ipv6;
            return this;
        }

        /** How CHECK looks at the kernel's interface; iproute2 by default. */
        public Builder inspector(InterfaceInspector inspector) {
            this.inspector = Objects.requireNonNull(inspector, "inspector");
            return this;
        }

        /** Where labels, annotations and named ports of pods come from; none by default. */
        public Builder podMetadata(PodMetadataSource metadata) {
            this.metadata = Objects.requireNonNull(metadata, "metadata");
            return this;
        }

        /** How long a delegated plugin (IPAM) may run before it is killed and the request answered with code 11. */
        public Builder delegateTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("delegateTimeout must be positive");
            this.delegateTimeout = timeout;
            return this;
        }

        public BoosterCni build() {
            return new BoosterCni(this);
        }
    }
}
