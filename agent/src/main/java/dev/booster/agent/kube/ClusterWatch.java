package dev.booster.agent.kube;

import dev.booster.cni.PodMetadataSource;
import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.informer.cache.Lister;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.DiscoveryV1Api;
import io.kubernetes.client.openapi.apis.NetworkingV1Api;
import io.kubernetes.client.openapi.models.V1EndpointSlice;
import io.kubernetes.client.openapi.models.V1EndpointSliceList;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NamespaceList;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1NetworkPolicyList;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeList;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceList;
import io.kubernetes.client.util.CallGenerator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The agent's view of the cluster: shared index informers (list, then watch from the list's resourceVersion; on a
 * dropped watch they watch again from the last version seen, on 410 Gone they list again, and every
 * {@code resync} they hand every object to the handlers once more) for this node's Pods ({@code spec.nodeName}),
 * Namespaces, NetworkPolicies, Nodes, Services and EndpointSlices. Any change calls {@code onChange}: the
 * reconciler reads the caches (never the events), so whatever it missed, the next pass sees.
 */
public final class ClusterWatch implements AutoCloseable, PodMetadataSource {
    private static final System.Logger LOG = System.getLogger(ClusterWatch.class.getName());
    /** The client's informer classes log through SLF4J into this java.util.logging logger (slf4j-jdk14). */
    private static final Logger CLIENT_INFORMER_LOG = Logger.getLogger("io.kubernetes.client.informer.cache");

    /** An API resource the agent lists and watches, as RBAC names it. */
    public record Followed(String apiGroup, String resource) {
    }

    /** Everything the agent reads: what its ClusterRole must allow to get, list and watch (deploy/booster-agent-rbac.yaml). */
    public static final List<Followed> FOLLOWED = List.of(new Followed("", "pods"), new Followed("", "namespaces"),
            new Followed("networking.k8s.io", "networkpolicies"), new Followed("", "nodes"), new Followed("", "services"),
            new Followed("discovery.k8s.io", "endpointslices"));

    private final SharedInformerFactory factory;
    private final ExecutorService threads;
    private final Runnable onChange;
    private final Map<Class<?>, SharedIndexInformer<?>> informers = new ConcurrentHashMap<>();
    private final Map<Class<?>, String> lastFailures = new ConcurrentHashMap<>();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean closed;
    private final Lister<V1Pod> pods;
    private final Lister<V1Namespace> namespaces;
    private final Lister<V1NetworkPolicy> policies;
    private final Lister<V1Node> nodes;
    private final Lister<V1Service> services;
    private final Lister<V1EndpointSlice> endpointSlices;

    /**
     * Starts the informers.
     *
     * @param client   the client; its read timeout is set to 0, as informers need (a watch is silent until something
     *                 changes; the server ends it after the watch timeout)
     * @param nodeName this node: only its pods are followed
     * @param resync   how often every cached object is handed to the handlers again (0: never)
     * @param onChange called (on an informer thread) after any add, update or delete; must be quick
     */
    public ClusterWatch(ApiClient client, String nodeName, Duration resync, Runnable onChange) {
        this.onChange = onChange;
        client.setReadTimeout(0);
        this.threads = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("booster-informer-", 0)
                .uncaughtExceptionHandler(this::informerThreadFailed).factory());
        this.factory = new SharedInformerFactory(client, threads, false);
        CoreV1Api core = new CoreV1Api(client);
        NetworkingV1Api networking = new NetworkingV1Api(client);
        DiscoveryV1Api discovery = new DiscoveryV1Api(client);
        long resyncMillis = resync.toMillis();
        String nodeSelector = "spec.nodeName=" + nodeName;
        pods = informer(p -> core.listPodForAllNamespaces().fieldSelector(nodeSelector).resourceVersion(p.resourceVersion)
                .timeoutSeconds(p.timeoutSeconds).watch(p.watch).buildCall(null), V1Pod.class, V1PodList.class, resyncMillis);
        namespaces = informer(p -> core.listNamespace().resourceVersion(p.resourceVersion).timeoutSeconds(p.timeoutSeconds)
                .watch(p.watch).buildCall(null), V1Namespace.class, V1NamespaceList.class, resyncMillis);
        policies = informer(p -> networking.listNetworkPolicyForAllNamespaces().resourceVersion(p.resourceVersion)
                .timeoutSeconds(p.timeoutSeconds).watch(p.watch).buildCall(null), V1NetworkPolicy.class, V1NetworkPolicyList.class, resyncMillis);
        nodes = informer(p -> core.listNode().resourceVersion(p.resourceVersion).timeoutSeconds(p.timeoutSeconds)
                .watch(p.watch).buildCall(null), V1Node.class, V1NodeList.class, resyncMillis);
        services = informer(p -> core.listServiceForAllNamespaces().resourceVersion(p.resourceVersion).timeoutSeconds(p.timeoutSeconds)
                .watch(p.watch).buildCall(null), V1Service.class, V1ServiceList.class, resyncMillis);
        endpointSlices = informer(p -> discovery.listEndpointSliceForAllNamespaces().resourceVersion(p.resourceVersion)
                .timeoutSeconds(p.timeoutSeconds).watch(p.watch).buildCall(null), V1EndpointSlice.class, V1EndpointSliceList.class, resyncMillis);
        factory.startAllRegisteredInformers();
    }

    private <T extends KubernetesObject, L extends KubernetesListObject> Lister<T> informer(CallGenerator calls, Class<T> type, Class<L> listType,
                                                                                          long resyncMillis) {
        SharedIndexInformer<T> informer = factory.sharedIndexInformerFor(calls, type, listType, resyncMillis, this::listOrWatchFailed);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                onChange.run();
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                onChange.run();
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                onChange.run();
            }
        });
        informers.put(type, informer);
        return new Lister<>(informer.getIndexer());
    }

    /** The informer retries by itself (listing again a second later); this keeps the reason for health and logs. */
    private <T> void listOrWatchFailed(Class<T> type, Throwable failure) {
        if (closed) return; // stopping interrupts the calls in flight
        failures.incrementAndGet();
        String reason = failure instanceof ApiException api
                ? (api.getCode() == 0 ? String.valueOf(api.getCause()) : "HTTP " + api.getCode() + " " + String.valueOf(api.getResponseBody()).strip())
                : failure.getClass().getSimpleName() + ": " + failure.getMessage();
        String before = lastFailures.put(type, reason);
        if (!reason.equals(before)) {
            LOG.log(System.Logger.Level.WARNING, "listing or watching " + type.getSimpleName() + " failed, retrying: " + reason);
        }
    }

    /** The client's threads end on exceptions it does not catch, e.g. when stopped while starting; worth a line unless closing. */
    private void informerThreadFailed(Thread thread, Throwable failure) {
        if (!closed) LOG.log(System.Logger.Level.WARNING, "informer thread " + thread.getName() + " failed", failure);
    }

    /** True once every informer has listed its resource once. */
    public boolean hasSynced() {
        return informers.values().stream().allMatch(SharedIndexInformer::hasSynced);
    }

    /** The resources whose informer has not listed yet, for readiness answers. */
    public List<String> notSynced() {
        List<String> names = new ArrayList<>();
        informers.forEach((type, informer) -> {
            if (!informer.hasSynced()) names.add(type.getSimpleName());
        });
        names.sort(null);
        return names;
    }

    /** Failed lists and watches since start (each is retried). */
    public long failures() {
        return failures.get();
    }

    public List<V1Pod> pods() {
        return pods.list();
    }

    public Optional<V1Pod> pod(String namespace, String name) {
        return Optional.ofNullable(pods.namespace(namespace).get(name));
    }

    public List<V1Namespace> namespaces() {
        return namespaces.list();
    }

    public List<V1NetworkPolicy> networkPolicies() {
        return policies.list();
    }

    public List<V1Node> nodes() {
        return nodes.list();
    }

    public List<V1Service> services() {
        return services.list();
    }

    public List<V1EndpointSlice> endpointSlices() {
        return endpointSlices.list();
    }

    /** Labels, annotations and named ports of this node's pod {@code namespace/name}, for the CNI's ADD. */
    @Override
    public Optional<PodMetadata> lookup(String namespace, String name) {
        return pod(namespace, name).map(PodMapping::metadata);
    }

    /** Stops the informers and their threads. */
    @Override
    public void close() {
        closed = true;
        // Stopping interrupts the informers' threads, and the client logs each interruption as an error with a stack
        // trace: expected here, so its informer loggers are silenced while the threads end.
        Level before = CLIENT_INFORMER_LOG.getLevel();
        CLIENT_INFORMER_LOG.setLevel(Level.OFF);
        try {
            factory.stopAllRegisteredInformers(false);
            // The informers' process loops leave only when interrupted.
            threads.shutdownNow();
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            CLIENT_INFORMER_LOG.setLevel(before);
        }
    }
}
