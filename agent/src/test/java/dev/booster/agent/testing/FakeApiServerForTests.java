package dev.booster.agent.testing;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1EndpointSlice;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.util.ClientBuilder;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the Kubernetes API server, for tests only (no kube-apiserver can run on these machines): the JDK's
 * HTTP server answering the list and watch calls the real client library ({@code io.kubernetes:client-java}) makes
 * for Pods, Namespaces, NetworkPolicies, Nodes, Services and EndpointSlices, as the API server does: one global
 * resourceVersion counter (etcd's revision), lists carrying it, watches from a resourceVersion streaming every later
 * change as chunked JSON lines ({@code {"type":"ADDED","object":{...}}}), {@code fieldSelector} on dotted paths
 * (an object leaving a watch's selector is a DELETED to that watch, as the API server does), and the failures an
 * informer must survive:
 * <ul>
 *   <li>{@link #dropWatches()}: every open watch ends (the client watches again from its last resourceVersion);</li>
 *   <li>{@link #compact()}: history before now is gone: a watch from an older resourceVersion gets an ERROR event
 *       with a 410 Gone status, a list at an older resourceVersion an HTTP 410, and the client lists again;</li>
 *   <li>{@link #setAvailable(boolean) setAvailable(false)}: watches end and every request is answered 503 until it is
 *       available again.</li>
 * </ul>
 * Tests write objects with {@link #apply} and {@link #delete}, as the control plane would.
 */
public final class FakeApiServerForTests implements AutoCloseable {

    /** A resource the stand-in serves: where, and the type metadata the API server puts on its objects. */
    private record Kind(Class<?> type, String path, String apiVersion, String kind, boolean namespaced) {
    }

    private static final List<Kind> KINDS = List.of(
            new Kind(V1Pod.class, "/api/v1/pods", "v1", "Pod", true),
            new Kind(V1Namespace.class, "/api/v1/namespaces", "v1", "Namespace", false),
            new Kind(V1NetworkPolicy.class, "/apis/networking.k8s.io/v1/networkpolicies", "networking.k8s.io/v1", "NetworkPolicy", true),
            new Kind(V1Node.class, "/api/v1/nodes", "v1", "Node", false),
            new Kind(V1Service.class, "/api/v1/services", "v1", "Service", true),
            new Kind(V1EndpointSlice.class, "/apis/discovery.k8s.io/v1/endpointslices", "discovery.k8s.io/v1", "EndpointSlice", true));

    /** One change: {@code before} is null for ADDED, {@code after} the object as deleted for DELETED. */
    private record Event(long revision, Kind kind, String type, JsonObject before, JsonObject after) {
    }

    private final class Watch {
        final Kind kind;
        final Map<String, String> selector;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        volatile boolean ended;

        Watch(Kind kind, Map<String, String> selector) {
            this.kind = kind;
            this.selector = selector;
        }

        void offer(Event e) {
            String line = lineFor(e, selector);
            if (line != null) lines.add(line);
        }

        void end() {
            ended = true;
            lines.add(""); // wakes the streaming thread
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<Kind, Map<String, JsonObject>> objects = new HashMap<>();
    private final List<Event> history = new ArrayList<>();
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> lists = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> watchCalls = new ConcurrentHashMap<>();
    private long revision = 100;
    private long compactedRevision;
    private volatile boolean available = true;

    private FakeApiServerForTests() throws IOException {
        for (Kind k : KINDS) objects.put(k, new LinkedHashMap<>());
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(executor);
        server.createContext("/", this::serve);
        server.start();
    }

    public static FakeApiServerForTests start() {
        try {
            return new FakeApiServerForTests();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A real client of the real library, pointed at this stand-in. */
    public ApiClient client() {
        return new ClientBuilder().setBasePath(url()).build();
    }

    // ---- the control plane's side ----

    /** Creates or replaces {@code object} (by namespace and name); returns the resourceVersion it got. */
    public synchronized long apply(KubernetesObject object) {
        Kind kind = kindOf(object.getClass());
        JsonObject json = JsonParser.parseString(JSON.serialize(object)).getAsJsonObject();
        json.addProperty("apiVersion", kind.apiVersion());
        json.addProperty("kind", kind.kind());
        JsonObject metadata = json.getAsJsonObject("metadata");
        if (metadata == null || !metadata.has("name")) throw new IllegalArgumentException("the object needs metadata.name");
        if (kind.namespaced() && !metadata.has("namespace")) throw new IllegalArgumentException(kind.kind() + " needs metadata.namespace");
        String key = keyOf(metadata);
        JsonObject before = objects.get(kind).get(key);
        metadata.addProperty("uid", before != null ? before.getAsJsonObject("metadata").get("uid").getAsString() : UUID.randomUUID().toString());
        long rv = ++revision;
        metadata.addProperty("resourceVersion", Long.toString(rv));
        objects.get(kind).put(key, json);
        record(new Event(rv, kind, before == null ? "ADDED" : "MODIFIED", before, json));
        return rv;
    }

    /** Deletes the object; false when there was none. */
    public synchronized boolean delete(Class<? extends KubernetesObject> type, String namespace, String name) {
        Kind kind = kindOf(type);
        JsonObject before = objects.get(kind).remove(namespace == null ? name : namespace + "/" + name);
        if (before == null) return false;
        long rv = ++revision;
        JsonObject gone = before.deepCopy();
        gone.getAsJsonObject("metadata").addProperty("resourceVersion", Long.toString(rv));
        record(new Event(rv, kind, "DELETED", before, gone));
        return true;
    }

    private void record(Event e) {
        history.add(e);
        for (Watch w : watches) if (w.kind == e.kind()) w.offer(e);
    }

    // ---- failures ----

    /** Ends every open watch, as a restarting API server or a broken connection does. */
    public void dropWatches() {
        for (Watch w : watches) w.end();
    }

    /** Forgets the history before now: watches and lists from an older resourceVersion get 410 Gone. */
    public synchronized void compact() {
        compactedRevision = revision;
        history.clear();
    }

    /** While unavailable, open watches are ended and every request is answered 503. */
    public void setAvailable(boolean available) {
        this.available = available;
        if (!available) dropWatches();
    }

    /** List calls served for the resource at {@code path} (e.g. {@code /apis/networking.k8s.io/v1/networkpolicies}). */
    public int lists(Class<? extends KubernetesObject> type) {
        return lists.computeIfAbsent(kindOf(type).path(), p -> new AtomicInteger()).get();
    }

    /** Watch calls answered with a stream (not refused) for the resource. */
    public int watches(Class<? extends KubernetesObject> type) {
        return watchCalls.computeIfAbsent(kindOf(type).path(), p -> new AtomicInteger()).get();
    }

    /** Watches open now. */
    public int openWatches() {
        return watches.size();
    }

    // ---- HTTP ----

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Kind kind = KINDS.stream().filter(k -> k.path().equals(path)).findFirst().orElse(null);
            if (!available) {
                respond(exchange, 503, status(503, "ServiceUnavailable", "the API server stand-in is unavailable"));
                return;
            }
            if (kind == null || !exchange.getRequestMethod().equals("GET")) {
                respond(exchange, 404, status(404, "NotFound", "the stand-in serves list and watch of " + KINDS.stream().map(Kind::path).toList()
                        + ", not " + exchange.getRequestMethod() + " " + path));
                return;
            }
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            Map<String, String> selector = fieldSelector(query.getOrDefault("fieldSelector", ""));
            if ("true".equals(query.get("watch"))) watch(exchange, kind, selector, query);
            else list(exchange, kind, selector, query);
        } catch (RuntimeException e) {
            // The JDK's server would drop the exception silently; a 500 with the reason shows up in the client's error.
            respond(exchange, 500, status(500, "InternalError", "the stand-in failed: " + e));
        }
    }

    private void list(HttpExchange exchange, Kind kind, Map<String, String> selector, Map<String, String> query) throws IOException {
        JsonObject list = new JsonObject();
        synchronized (this) {
            String rv = query.getOrDefault("resourceVersion", "");
            if (!rv.isEmpty() && !rv.equals("0") && Long.parseLong(rv) < compactedRevision) {
                respond(exchange, 410, status(410, "Expired", "too old resource version: " + rv + " (" + compactedRevision + ")"));
                return;
            }
            list.addProperty("apiVersion", kind.apiVersion());
            list.addProperty("kind", kind.kind() + "List");
            JsonObject metadata = new JsonObject();
            metadata.addProperty("resourceVersion", Long.toString(revision));
            list.add("metadata", metadata);
            com.google.gson.JsonArray items = new com.google.gson.JsonArray();
            for (JsonObject o : objects.get(kind).values()) {
                if (!matches(o, selector)) continue;
                // The API server leaves type metadata off list items; the client fills it in.
                JsonObject item = o.deepCopy();
                item.remove("apiVersion");
                item.remove("kind");
                items.add(item);
            }
            list.add("items", items);
        }
        lists.computeIfAbsent(kind.path(), p -> new AtomicInteger()).incrementAndGet();
        respond(exchange, 200, list.toString());
    }

    private void watch(HttpExchange exchange, Kind kind, Map<String, String> selector, Map<String, String> query) throws IOException {
        long from = Long.parseLong(query.getOrDefault("resourceVersion", "0").isEmpty() ? "0" : query.get("resourceVersion"));
        long timeoutSeconds = Long.parseLong(query.getOrDefault("timeoutSeconds", "1800"));
        Watch watch = new Watch(kind, selector);
        boolean expired;
        synchronized (this) {
            expired = from < compactedRevision;
            if (!expired) {
                for (Event e : history) if (e.kind() == kind && e.revision() > from) watch.offer(e);
                watches.add(watch);
            }
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, 0); // chunked, as the API server streams a watch
        watchCalls.computeIfAbsent(kind.path(), p -> new AtomicInteger()).incrementAndGet();
        try (OutputStream out = exchange.getResponseBody()) {
            if (expired) {
                JsonObject error = new JsonObject();
                error.addProperty("type", "ERROR");
                error.add("object", JsonParser.parseString(status(410, "Expired", "too old resource version: " + from + " (" + compactedRevision + ")")));
                out.write((error + "\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
            while (!watch.ended) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return;
                String line = watch.lines.poll(Math.min(left, Duration.ofMillis(200).toNanos()), TimeUnit.NANOSECONDS);
                if (line == null || line.isEmpty()) continue;
                out.write(line.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException clientWentAway) {
            // the client closed the watch (informer stopped, or it gave up); nothing to answer
        } finally {
            watches.remove(watch);
        }
    }

    /** The line a watch with {@code selector} sees for {@code e}, or null when the change is outside its selector. */
    private static String lineFor(Event e, Map<String, String> selector) {
        boolean before = e.before() != null && matches(e.before(), selector);
        boolean after = matches(e.after(), selector);
        String type = switch (e.type()) {
            case "ADDED" -> after ? "ADDED" : null;
            case "DELETED" -> before ? "DELETED" : null;
            default -> before && after ? "MODIFIED" : after ? "ADDED" : before ? "DELETED" : null;
        };
        if (type == null) return null;
        JsonObject line = new JsonObject();
        line.addProperty("type", type);
        line.add("object", e.after());
        return line + "\n";
    }

    private static boolean matches(JsonObject object, Map<String, String> selector) {
        for (Map.Entry<String, String> term : selector.entrySet()) {
            JsonElement at = object;
            for (String part : term.getKey().split("\\.")) {
                at = at != null && at.isJsonObject() ? at.getAsJsonObject().get(part) : null;
            }
            String value = at == null || at.isJsonNull() ? "" : at.getAsString();
            if (!value.equals(term.getValue())) return false;
        }
        return true;
    }

    private static Map<String, String> fieldSelector(String text) {
        Map<String, String> terms = new LinkedHashMap<>();
        if (text.isEmpty()) return terms;
        for (String term : text.split(",")) {
            int eq = term.indexOf('=');
            if (eq <= 0 || term.contains("!=")) throw new IllegalArgumentException("the stand-in takes field selectors path=value, not " + term);
            terms.put(term.substring(0, eq).replaceFirst("==?$", ""), term.substring(eq + 1).replaceFirst("^=", ""));
        }
        return terms;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw == null) return q;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            q.put(k, v);
        }
        return q;
    }

    private static String status(int code, String reason, String message) {
        JsonObject s = new JsonObject();
        s.addProperty("apiVersion", "v1");
        s.addProperty("kind", "Status");
        s.add("metadata", new JsonObject());
        s.addProperty("status", "Failure");
        s.addProperty("message", message);
        s.addProperty("reason", reason);
        s.addProperty("code", code);
        return s.toString();
    }

    private static void respond(HttpExchange exchange, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Kind kindOf(Class<?> type) {
        return KINDS.stream().filter(k -> k.type().equals(type)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the stand-in does not serve " + type.getSimpleName()));
    }

    private static String keyOf(JsonObject metadata) {
        String name = metadata.get("name").getAsString();
        return metadata.has("namespace") ? metadata.get("namespace").getAsString() + "/" + name : name;
    }

    @Override
    public void close() {
        dropWatches();
        server.stop(0);
        executor.shutdownNow();
    }
}
