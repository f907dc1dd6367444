package dev.booster.agent.state;

import dev.booster.api.Secret;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.Route;
import dev.booster.api.pod.Memif;
import dev.booster.api.pod.NamedPort;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Veth;
import dev.booster.api.policy.IngressRule;
import dev.booster.api.policy.LabelSelector;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.NetworkPolicyPeer;
import dev.booster.api.policy.NetworkPolicyPort;
import dev.booster.api.policy.NetworkPolicySpec;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.policy.PolicyType;
import dev.booster.api.policy.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class StateFileTest {
    @TempDir
    Path dir;

    static AgentState sample() {
        PodSpec web = PodSpec.builder("shop", "web-0").uid("c0ffee/eth0").netns("/var/run/netns/cni-1234").labels(Map.of("app", "web"))
                .addInterface(new Veth("eth0", List.of(InterfaceAddress.parse("10.244.1.5/32")), List.of(Route.onLink(IpPrefix.parse("0.0.0.0/0"))),
                        1500, Optional.empty()))
                .addInterface(new Memif("memif0", List.of(InterfaceAddress.parse("10.245.0.5/32")), List.of(), 1500, Optional.empty(),
                        Memif.Role.MASTER, "@memif-web", 1, 1, 2048, Memif.Mode.IP, Optional.of(Secret.ofString("s3cret"))))
                .addNamedPort(new NamedPort("http", Protocol.TCP, 8080)).build();
        NetworkPolicy policy = NetworkPolicy.of("shop", "web", NetworkPolicySpec.of(LabelSelector.matchLabels(Map.of("app", "web")),
                List.of(PolicyType.INGRESS), List.of(IngressRule.allow(List.of(NetworkPolicyPeer.pods(LabelSelector.matchLabels(Map.of("app", "a")))),
                        List.of(NetworkPolicyPort.tcp(8080)))), List.of()));
        return new AgentState(AgentState.VERSION, List.of(new PersistedPod("c0ffee", "eth0", web)),
                Optional.of(PolicySet.of(policy).withNamespace("shop", Map.of("env", "prod"))));
    }

    @Test
    void whatIsWrittenIsReadBackWholeSecretsIncludedAndOnlyTheOwnerMayReadIt() throws IOException {
        StateFile file = new StateFile(dir.resolve("booster"));
        file.write(sample());

        assertEquals(sample(), file.read());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path())));
        assertFalse(Files.readString(file.path()).contains("<redacted>"), "a memif secret must survive the restart");
        try (Stream<Path> files = Files.list(file.path().getParent())) {
            assertEquals(List.of(StateFile.FILE_NAME), files.map(p -> p.getFileName().toString()).toList(), "no temporary file is left");
        }
    }

    @Test
    void noFileIsAnEmptyState() {
        assertEquals(AgentState.EMPTY, new StateFile(dir).read());
    }

    @Test
    void anUnreadableFileIsMovedAsideAndTheAgentStartsEmpty() throws IOException {
        StateFile file = new StateFile(dir);
        file.write(sample());
        String text = Files.readString(file.path());
        Files.writeString(file.path(), text.substring(0, text.length() / 2)); // a truncated file

        assertEquals(AgentState.EMPTY, file.read());
        assertFalse(Files.exists(file.path()));
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> aside = files.toList();
            assertEquals(1, aside.size());
            assertTrue(aside.getFirst().getFileName().toString().startsWith(StateFile.FILE_NAME + ".unreadable-"), aside.toString());
            assertEquals(text.substring(0, text.length() / 2), Files.readString(aside.getFirst()), "kept for whoever investigates");
        }
    }

    @Test
    void anotherFormatVersionIsNotMisread() throws IOException {
        StateFile file = new StateFile(dir);
        file.write(new AgentState(AgentState.VERSION + 1, sample().pods(), Optional.empty()));
        assertEquals(AgentState.EMPTY, file.read());
    }
}
