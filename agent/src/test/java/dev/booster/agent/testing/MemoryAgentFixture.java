package dev.booster.agent.testing;

import dev.booster.agent.AgentConfig;
import dev.booster.agent.NodeAgent;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Veth;
import dev.booster.spi.Dataplanes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A node agent on the {@code memory} provider following a {@link FakeApiServerForTests} through the real client
 * library, with its socket and state in a fresh directory; health on a free loopback port. Pods are attached the way
 * the CNI attaches them (uid {@code CONTAINERID/IFNAME}, no labels known yet), straight into the dataplane.
 */
public final class MemoryAgentFixture implements AutoCloseable {
    public static final String NODE = "node-1";

    public final FakeApiServerForTests api = FakeApiServerForTests.start();
    public final Path work;
    private final Function<DataplaneConfig, Dataplane> open;
    private final UnaryOperator<AgentConfig.Builder> customize;
    public NodeAgent agent;

    public MemoryAgentFixture() {
        this(Dataplanes::open);
    }

    public MemoryAgentFixture(Function<DataplaneConfig, Dataplane> open) {
        this(open, UnaryOperator.identity());
    }

    /** {@code customize} adds to the test's configuration (its paths are under {@link #work}). */
    public MemoryAgentFixture(Function<DataplaneConfig, Dataplane> open, UnaryOperator<AgentConfig.Builder> customize) {
        this.open = open;
        this.customize = customize;
        try {
            work = Files.createTempDirectory("booster-agent-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        agent = start();
    }

    public AgentConfig config() {
        return customize.apply(AgentConfig.builder(NODE).dataplane(DataplaneConfig.builder().provider("memory").build())
                .cniSocket(work.resolve("cni.sock")).stateDir(work.resolve("state"))
                .healthAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).retry(Duration.ofMillis(300))).build();
    }

    public NodeAgent start() {
        return NodeAgent.start(config(), api.client(), open);
    }

    /** Closes the agent and starts another with the same state directory. */
    public NodeAgent restart() {
        agent.close();
        agent = start();
        return agent;
    }

    public Dataplane dataplane() {
        return agent.dataplane();
    }

    /** Attaches pod {@code namespace/name} as the CNI does before the agent knows its labels. */
    public PodAttachment attach(String namespace, String name, String ip) {
        return dataplane().pods().attach(PodSpec.builder(namespace, name).uid("cid-" + name + "/eth0").labels(Map.of())
                .netns("/var/run/netns/" + name).addInterface(Veth.of("eth0", InterfaceAddress.parse(ip + "/32"))).build());
    }

    public void awaitReady() {
        Eventually.await(() -> agent.isReady(), () -> "the agent is not ready");
    }

    @Override
    public void close() {
        try {
            if (agent != null) agent.close();
        } finally {
            api.close();
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
