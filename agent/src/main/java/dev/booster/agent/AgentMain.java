package dev.booster.agent;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.Config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CountDownLatch;

/**
 * The node agent as a process (the DaemonSet's container runs it; {@code ./booster agent} too): options from flags
 * and environment ({@link AgentArguments}), the Kubernetes client from a kubeconfig or the in-cluster service
 * account; runs until SIGTERM or SIGINT, then closes the agent, which leaves the pods' interfaces for the next one.
 */
public final class AgentMain {
    private AgentMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        }
        AgentArguments arguments;
        try {
            arguments = AgentArguments.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            boolean help = e.getMessage().equals(AgentArguments.USAGE);
            (help ? System.out : System.err).print(help ? e.getMessage() : "booster agent: " + e.getMessage() + "\n");
            System.exit(help ? 0 : 2);
            return;
        }
        NodeAgent agent;
        try {
            agent = NodeAgent.start(arguments.config(), client(arguments));
        } catch (RuntimeException e) {
            System.getLogger(AgentMain.class.getName()).log(System.Logger.Level.ERROR, "the agent could not start", e);
            System.err.println("booster agent: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                agent.close();
            } finally {
                stopped.countDown();
            }
        }, "booster-agent-shutdown"));
        System.out.println("booster agent: node " + arguments.config().nodeName() + ", provider " + agent.dataplane().provider()
                + ", CNI socket " + agent.cniSocket() + ", health " + agent.healthAddress());
        System.out.flush();
        stopped.await();
    }

    private static ApiClient client(AgentArguments arguments) {
        try {
            if (arguments.kubeconfig().isPresent()) return Config.fromConfig(arguments.kubeconfig().get().toString());
            if (System.getenv("KUBERNETES_SERVICE_HOST") == null) {
                throw new IllegalStateException("no Kubernetes API to follow: not in a pod (KUBERNETES_SERVICE_HOST is unset) and no "
                        + "--kubeconfig or KUBECONFIG given");
            }
            return ClientBuilder.cluster().build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up the Kubernetes client: " + e.getMessage(), e);
        }
    }
}
