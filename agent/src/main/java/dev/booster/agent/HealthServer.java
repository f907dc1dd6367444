package dev.booster.agent;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The agent's HTTP endpoint (the JDK's server, one virtual thread per request):
 * <ul>
 *   <li>{@code /healthz}: 200 while the agent runs and its dataplane answers (a liveness probe: restart when not);</li>
 *   <li>{@code /readyz}: 200 once every informer has listed and while the dataplane and CNI server are open, else 503
 *       with the reasons, one a line (a readiness probe);</li>
 *   <li>{@code /metrics}: Prometheus text.</li>
 * </ul>
 */
final class HealthServer implements AutoCloseable {
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String TEXT = "text/plain; charset=utf-8";

    /** Reasons the agent is not live or not ready; empty lists mean it is. */
    record Health(List<String> notLive, List<String> notReady) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    private HealthServer(HttpServer server) {
        this.server = server;
    }

    static HealthServer start(InetSocketAddress address, Supplier<Health> health, Supplier<String> metrics) {
        HttpServer server;
        try {
            server = HttpServer.create(address, 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve health and metrics on " + address + ": " + e.getMessage()
                    + " (choose another with --health-address)", e);
        }
        HealthServer hs = new HealthServer(server);
        server.createContext("/healthz", handler(() -> {
            List<String> problems = health.get().notLive();
            return problems.isEmpty() ? new Response(200, TEXT, "ok\n") : new Response(503, TEXT, String.join("\n", problems) + "\n");
        }));
        server.createContext("/readyz", handler(() -> {
            List<String> problems = health.get().notReady();
            return problems.isEmpty() ? new Response(200, TEXT, "ready\n") : new Response(503, TEXT, String.join("\n", problems) + "\n");
        }));
        server.createContext("/metrics", handler(() -> new Response(200, PROMETHEUS_TEXT, metrics.get())));
        server.createContext("/", handler(() -> new Response(404, TEXT, "not found; try /healthz, /readyz or /metrics\n")));
        server.setExecutor(hs.executor);
        server.start();
        return hs;
    }

    private record Response(int status, String contentType, String body) {
    }

    /** Answers GET and HEAD; a failure to compute the answer is a 500 that says what failed. */
    private static HttpHandler handler(Supplier<Response> respond) {
        return exchange -> {
            try (exchange) {
                String method = exchange.getRequestMethod();
                if (!method.equals("GET") && !method.equals("HEAD")) {
                    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                Response r;
                try {
                    r = respond.get();
                } catch (RuntimeException e) {
                    r = new Response(500, TEXT, "failed: " + e + "\n");
                }
                byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", r.contentType());
                boolean head = method.equals("HEAD");
                exchange.sendResponseHeaders(r.status(), head ? -1 : bytes.length);
                if (!head) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(bytes);
                    }
                }
            }
        };
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
