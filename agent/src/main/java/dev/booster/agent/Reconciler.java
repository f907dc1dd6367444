package dev.booster.agent;

import dev.booster.agent.kube.ClusterWatch;
import dev.booster.agent.kube.NodeMapping;
import dev.booster.agent.kube.PodMapping;
import dev.booster.agent.kube.PolicyMapping;
import dev.booster.agent.kube.ServiceMapping;
import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.service.ServiceSpec;
import dev.booster.api.tunnel.TunnelSpec;
import dev.booster.cni.PodMetadataSource.PodMetadata;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1Pod;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Brings the dataplane in line with the cluster, level-triggered: any informer change only marks the state dirty;
 * one thread then reads the informer caches whole and applies the difference. A missed or repeated event, a re-list
 * after a disconnect, or a failed apply (retried every {@code retry}) all end the same way: the next pass converges.
 * Nothing is applied before every informer has listed once, so a half-listed cluster never replaces the policy set
 * the agent restored at start.
 *
 * <p>Each pass: the policy set (NetworkPolicies + Namespace labels) is applied when it differs from the one in force;
 * each attached pod gets its Kubernetes pod's labels and named ports ({@code pods().update}, in place); Nodes become
 * the tunnels table and Services + EndpointSlices the services table ({@link DesiredTable}: kept, applied when the
 * backend can).
 */
final class Reconciler implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Reconciler.class.getName());
    /** Events arrive in bursts (a list delivers every object); one pass after the burst does for all of them. */
    private static final Duration SETTLE = Duration.ofMillis(20);
    private static final Duration UNSYNCED_POLL = Duration.ofMillis(100);

    private final Dataplane dataplane;
    private final ClusterWatch cluster;
    private final String nodeName;
    private final Runnable afterChange;
    private final Duration retry;
    private final DesiredTable<TunnelSpec> tunnels = new DesiredTable<>("tunnels", Capability.TUNNELS, TunnelSpec::remoteNode,
            dp -> new DesiredTable.Facet<>() {
                @Override
                public List<TunnelSpec> list() {
                    return dp.tunnels().list();
                }

                @Override
                public void put(TunnelSpec spec) {
                    dp.tunnels().put(spec);
                }

                @Override
                public void remove(String key) {
                    dp.tunnels().remove(key);
                }
            });
    private final DesiredTable<ServiceSpec> services = new DesiredTable<>("services", Capability.SERVICES, ServiceSpec::key,
            dp -> new DesiredTable.Facet<>() {
                @Override
                public List<ServiceSpec> list() {
                    return dp.services().list();
                }

                @Override
                public void put(ServiceSpec spec) {
                    dp.services().put(spec);
                }

                @Override
                public void remove(String key) {
                    int slash = key.indexOf('/');
                    dp.services().remove(key.substring(0, slash), key.substring(slash + 1));
                }
            });
    private final Optional<CniConfigFile> cniConfig;
    private final Thread thread;
    private final AtomicLong passes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Set<String> reportedRejections = new HashSet<>();
    private volatile List<PolicyMapping.Rejected> rejected = List.of();
    private boolean dirty = true;
    private boolean closed;
    private boolean toldNoUpdate;

    Reconciler(Dataplane dataplane, ClusterWatch cluster, String nodeName, Duration retry, Optional<CniConfigFile> cniConfig, Runnable afterChange) {
        this.dataplane = dataplane;
        this.cniConfig = cniConfig;
        this.cluster = cluster;
        this.nodeName = nodeName;
        this.retry = retry;
        this.afterChange = afterChange;
        this.thread = Thread.ofPlatform().daemon().name("booster-reconciler").start(this::loop);
    }

    /** Something in the cluster changed: a pass will follow. */
    synchronized void kick() {
        dirty = true;
        notifyAll();
    }

    private void loop() {
        while (true) {
            synchronized (this) {
                long deadline = System.nanoTime() + retry.toNanos();
                while (!dirty && !closed) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) break; // a periodic pass retries what failed
                    try {
                        wait(Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) return;
                dirty = false;
            }
            try {
                Thread.sleep(SETTLE);
            } catch (InterruptedException e) {
                return;
            }
            if (!cluster.hasSynced()) {
                // The list's events may all be in before the informer counts itself synced: look again shortly.
                try {
                    Thread.sleep(UNSYNCED_POLL);
                } catch (InterruptedException e) {
                    return;
                }
                kick();
                continue;
            }
            try {
                if (reconcileOnce()) afterChange.run();
                passes.incrementAndGet();
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING, "reconciling failed, retrying in " + retry.toSeconds() + " s: " + e, e);
            }
        }
    }

    /** One pass; true when the dataplane changed. */
    private boolean reconcileOnce() {
        boolean changed = reconcilePolicies();
        changed |= reconcilePods();
        RuntimeException failure = null;
        try {
            changed |= tunnels.reconcile(dataplane, NodeMapping.tunnels(nodeName, cluster.nodes()));
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            changed |= services.reconcile(dataplane, ServiceMapping.services(cluster.services(), cluster.endpointSlices()));
        } catch (RuntimeException e) {
            if (failure == null) failure = e; else failure.addSuppressed(e);
        }
        try {
            writeCniConfig();
        } catch (RuntimeException e) {
            if (failure == null) failure = e; else failure.addSuppressed(e);
        }
        if (failure != null) {
            if (changed) afterChange.run();
            throw failure;
        }
        return changed;
    }

    /** The node's CNI configuration with its pod CIDRs, once this node's Node object lists them. */
    private void writeCniConfig() {
        if (cniConfig.isEmpty()) return;
        for (V1Node node : cluster.nodes()) {
            if (node.getMetadata() == null || !nodeName.equals(node.getMetadata().getName())) continue;
            List<IpPrefix> cidrs = NodeMapping.podCidrs(node);
            if (cniConfig.get().write(cidrs)) LOG.log(System.Logger.Level.INFO, "wrote the CNI configuration for pod CIDRs " + cidrs);
        }
    }

    private boolean reconcilePolicies() {
        PolicyMapping.Result result = PolicyMapping.policySet(cluster.namespaces(), cluster.networkPolicies());
        rejected = result.rejected();
        Set<String> current = new HashSet<>();
        for (PolicyMapping.Rejected r : result.rejected()) {
            String version = r.key() + "@" + r.resourceVersion();
            current.add(version);
            if (reportedRejections.add(version)) {
                LOG.log(System.Logger.Level.WARNING, "NetworkPolicy " + r.key() + " (resourceVersion " + r.resourceVersion()
                        + ") is left out: " + r.reason());
            }
        }
        reportedRejections.retainAll(current); // once per version of a refused policy, and forgotten when it is fixed or gone
        if (result.policies().equals(dataplane.policies().current())) return false;
        long generation = dataplane.policies().apply(result.policies());
        LOG.log(System.Logger.Level.INFO, "policy generation " + generation + ": " + result.policies().policies().size() + " policies, "
                + result.policies().namespaceLabels().size() + " namespaces");
        return true;
    }

    /** Gives each attached pod its Kubernetes pod's labels and named ports; pods the cluster does not (yet) list stay as they are. */
    private boolean reconcilePods() {
        boolean changed = false;
        for (PodAttachment attachment : dataplane.pods().list()) {
            PodSpec spec = attachment.spec();
            Optional<V1Pod> pod = cluster.pod(spec.namespace(), spec.name());
            if (pod.isEmpty()) continue;
            PodMetadata wanted = PodMapping.metadata(pod.get());
            if (wanted.labels().equals(spec.labels()) && wanted.namedPorts().equals(spec.namedPorts())) continue;
            try {
                dataplane.pods().update(new PodSpec(spec.uid(), spec.namespace(), spec.name(), wanted.labels(), spec.netns(), spec.interfaces(),
                        wanted.namedPorts()));
                changed = true;
            } catch (UnsupportedOperationException e) {
                if (!toldNoUpdate) {
                    toldNoUpdate = true;
                    LOG.log(System.Logger.Level.WARNING, "pod label changes are not applied: " + e.getMessage());
                }
            }
        }
        return changed;
    }

    DesiredTable<TunnelSpec> tunnels() {
        return tunnels;
    }

    DesiredTable<ServiceSpec> services() {
        return services;
    }

    /** Policies the last pass left out, with the reasons. */
    List<PolicyMapping.Rejected> rejected() {
        return rejected;
    }

    /** Completed passes (after the informers synced). */
    long passes() {
        return passes.get();
    }

    /** Passes that failed (each retried). */
    long failures() {
        return failures.get();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
