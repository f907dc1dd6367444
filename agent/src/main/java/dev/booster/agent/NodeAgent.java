package dev.booster.agent;

import dev.booster.agent.kube.ClusterWatch;
import dev.booster.agent.kube.PolicyMapping;
import dev.booster.agent.state.StateFile;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.service.ServiceSpec;
import dev.booster.api.tunnel.TunnelSpec;
import dev.booster.cni.BoosterCni;
import dev.booster.cni.CniServer;
import dev.booster.spi.Dataplanes;
import io.kubernetes.client.openapi.ApiClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Booster's per-node agent: it embeds a {@link Dataplane}, serves the {@code booster-cni} plugin on a Unix socket
 * ({@link CniServer} with {@link BoosterCni}, pod labels from the informers), follows the Kubernetes API (this node's
 * Pods, Namespaces, NetworkPolicies, Nodes, Services, EndpointSlices) and reconciles it into the dataplane, keeps
 * what the CNI attached in a state file so a restarted agent adopts its pods, and serves health, readiness and
 * Prometheus metrics.
 *
 * <pre>{@code
 * ApiClient kube = ClientBuilder.cluster().build();
 * try (NodeAgent agent = NodeAgent.start(AgentConfig.builder(System.getenv("NODE_NAME"))
 *         .dataplane(DataplaneConfig.builder().provider("afxdp").build()).build(), kube)) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Start order: the policy set last in force is put back, persisted pods are attached again (adopted), then the
 * CNI server, the informers and the reconciler start, and last the health endpoint. {@link #close()} stops them in
 * reverse, saves the state and closes the dataplane; the agent sets {@code afxdp.persistentPods=true} (unless the
 * configuration says otherwise), so with {@code afxdp} the pods keep their veths, addresses and routes for the next
 * agent, whose first packets again meet the policy.
 */
public final class NodeAgent implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NodeAgent.class.getName());
    /** The afxdp option that lets pods outlive the dataplane; other providers ignore options not their own. */
    static final String AFXDP_PERSISTENT_PODS = "afxdp.persistentPods";

    private final AgentConfig config;
    private final Dataplane dataplane;
    private final AttachedPods attached;
    private final AttachedPods.Restored restored;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final DataplaneMetrics dataplaneMetrics;
    private final CniServer cniServer;
    private final ClusterWatch cluster;
    private final Reconciler reconciler;
    private final HealthServer health;
    private volatile boolean closed;

    private NodeAgent(AgentConfig config, ApiClient kube, Function<DataplaneConfig, Dataplane> open) {
        this.config = config;
        DataplaneConfig dpConfig = config.dataplane().option(AFXDP_PERSISTENT_PODS).isPresent() ? config.dataplane()
                : config.dataplane().toBuilder().option(AFXDP_PERSISTENT_PODS, "true").build();
        this.dataplane = open.apply(dpConfig);
        List<AutoCloseable> started = new ArrayList<>();
        try {
            StateFile stateFile = new StateFile(config.stateDir());
            attached = new AttachedPods(dataplane, stateFile);
            restored = attached.restore(stateFile.read());
            LOG.log(System.Logger.Level.INFO, "provider " + dataplane.provider() + ": adopted " + restored.adopted().size() + " pods from "
                    + stateFile.path() + (restored.failed().isEmpty() ? "" : ", dropped " + restored.failed().size())
                    + (restored.policyRestored() ? ", policy set restored" : ""));
            dataplaneMetrics = new DataplaneMetrics(dataplane, registry);
            // The informers start first (listing takes a while; the CNI's ADD asks them for pod labels); their events
            // kick the reconciler, which starts dirty and so also covers what arrived before it existed.
            Reconciler[] reconcilerRef = new Reconciler[1];
            cluster = new ClusterWatch(kube, config.nodeName(), config.resync(), () -> {
                Reconciler r = reconcilerRef[0];
                if (r != null) r.kick();
            });
            started.add(cluster);
            BoosterCni cni = BoosterCni.builder(dataplane).podMetadata(cluster).build();
            cniServer = CniServer.start(config.cniSocket(), attached.recording(cni::handle, this::countCniRequest));
            started.add(cniServer);
            reconciler = new Reconciler(dataplane, cluster, config.nodeName(), config.retry(),
                    config.cniConfig().map(c -> new CniConfigFile(c.template(), c.file())), attached::saveQuietly);
            reconcilerRef[0] = reconciler;
            started.add(reconciler);
            registerAgentMetrics();
            health = HealthServer.start(config.healthAddress(), this::health, this::scrape);
        } catch (RuntimeException e) {
            for (AutoCloseable c : started.reversed()) closeQuietly(c, e);
            closeQuietly(dataplane, e);
            throw e;
        }
    }

    /** Starts an agent on the provider its configuration names (found through ServiceLoader). */
    public static NodeAgent start(AgentConfig config, ApiClient kube) {
        return start(config, kube, Dataplanes::open);
    }

    /** Starts an agent whose dataplane {@code open} makes (an embedding application's own, or a test's). */
    public static NodeAgent start(AgentConfig config, ApiClient kube, Function<DataplaneConfig, Dataplane> open) {
        return new NodeAgent(config, kube, open);
    }

    public AgentConfig config() {
        return config;
    }

    public Dataplane dataplane() {
        return dataplane;
    }

    public Path cniSocket() {
        return cniServer.socket();
    }

    /** Where health, readiness and metrics are served (the bound port when the configuration said 0). */
    public InetSocketAddress healthAddress() {
        return health.address();
    }

    /** The pods adopted at start (uids). */
    public List<String> adoptedPods() {
        return restored.adopted();
    }

    /** Ready: every informer has listed, the dataplane is open and the CNI server serves. */
    public boolean isReady() {
        return health().notReady().isEmpty();
    }

    /** Reconcile passes completed since start. */
    public long reconcilePasses() {
        return reconciler.passes();
    }

    /** The tunnels the cluster's Nodes ask for, applied or not (see {@link #tunnelsApplied()}). */
    public Map<String, TunnelSpec> desiredTunnels() {
        return reconciler.tunnels().desired();
    }

    public boolean tunnelsApplied() {
        return reconciler.tunnels().applied();
    }

    /** The services the cluster's Services and EndpointSlices ask for, applied or not. */
    public Map<String, ServiceSpec> desiredServices() {
        return reconciler.services().desired();
    }

    public boolean servicesApplied() {
        return reconciler.services().applied();
    }

    /** NetworkPolicies the last pass left out, with the reasons. */
    public List<PolicyMapping.Rejected> rejectedPolicies() {
        return reconciler.rejected();
    }

    /** The Prometheus text {@code /metrics} serves. */
    public String scrape() {
        dataplaneMetrics.refresh();
        return registry.scrape();
    }

    HealthServer.Health health() {
        List<String> notLive = new ArrayList<>();
        List<String> notReady = new ArrayList<>();
        if (closed) notLive.add("the agent is closed");
        try {
            dataplane.pods().list();
        } catch (RuntimeException e) {
            notLive.add("the dataplane does not answer: " + e.getMessage());
        }
        notReady.addAll(notLive);
        List<String> unsynced = cluster.notSynced();
        if (!unsynced.isEmpty()) notReady.add("informers not synced yet: " + String.join(", ", unsynced));
        return new HealthServer.Health(notLive, notReady);
    }

    private void countCniRequest(String command, int exitCode) {
        Counter.builder("booster.agent.cni.requests").description("CNI requests served, by command and outcome")
                .tags("command", command, "result", exitCode == 0 ? "ok" : "error").register(registry).increment();
    }

    private void registerAgentMetrics() {
        Gauge.builder("booster.agent.ready", this, a -> a.isReady() ? 1 : 0).description("1 when informers synced and the dataplane is open")
                .register(registry);
        Gauge.builder("booster.agent.pods", dataplane, dp -> dp.pods().list().size()).description("pods attached").register(registry);
        Gauge.builder("booster.agent.policy.generation", dataplane, dp -> dp.policies().generation()).register(registry);
        Gauge.builder("booster.agent.policies", dataplane, dp -> dp.policies().current().policies().size()).description("policies in force")
                .register(registry);
        Gauge.builder("booster.agent.policies.rejected", reconciler, r -> r.rejected().size()).description("NetworkPolicies left out")
                .register(registry);
        Gauge.builder("booster.agent.desired.tunnels", reconciler, r -> r.tunnels().desired().size()).register(registry);
        Gauge.builder("booster.agent.desired.services", reconciler, r -> r.services().desired().size()).register(registry);
        Gauge.builder("booster.agent.tunnels.applied", reconciler, r -> r.tunnels().applied() ? 1 : 0).register(registry);
        Gauge.builder("booster.agent.services.applied", reconciler, r -> r.services().applied() ? 1 : 0).register(registry);
        FunctionCounter.builder("booster.agent.reconcile.passes", reconciler, Reconciler::passes).register(registry);
        FunctionCounter.builder("booster.agent.reconcile.failures", reconciler, Reconciler::failures).register(registry);
        FunctionCounter.builder("booster.agent.kube.failures", cluster, ClusterWatch::failures)
                .description("failed lists and watches of the Kubernetes API (each retried)").register(registry);
    }

    /**
     * Stops the health endpoint, the CNI server, the informers and the reconciler, saves the state and closes the
     * dataplane (with {@code afxdp.persistentPods}, the pods keep their interfaces for the next agent).
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        RuntimeException failure = new RuntimeException("closing the node agent failed");
        closeQuietly(health, failure);
        closeQuietly(cniServer, failure);
        closeQuietly(cluster, failure);
        closeQuietly(reconciler, failure);
        try {
            attached.save();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        closeQuietly(dataplane, failure);
        closeQuietly(registry::close, failure);
        if (failure.getSuppressed().length > 0) throw failure;
    }

    private static void closeQuietly(AutoCloseable resource, RuntimeException failure) {
        if (resource == null) return;
        try {
            resource.close();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }
}
