package dev.booster.host.pod;

import dev.booster.host.link.CommandResult;
import dev.booster.host.link.IpLinkManager;
import dev.booster.host.link.Namespace;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.Route;
import dev.booster.api.pod.Veth;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** The commands that set up a pod's side of the veth, Calico style, in one batch, without running them. */
class PodLinkSetupTest {
    private final List<String> ran = new ArrayList<>();
    /** Each command, and for a batch each of its lines after the command. */
    private final IpLinkManager links = new IpLinkManager((command, timeout) -> {
        ran.add(String.join(" ", command.subList(0, command.size() - (command.contains("-batch") ? 1 : 0))));
        if (command.contains("-batch")) {
            try {
                ran.addAll(Files.readAllLines(Path.of(command.getLast())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new CommandResult(command, 0, "", "");
    }, Duration.ofSeconds(1), "ip");
    private final PodLinkSetup setup = new PodLinkSetup(IpAddress.parse("169.254.1.1"), IpAddress.parse("fe80::1"));
    private final PodNetns netns = new PodNetns(Path.of("/var/run/netns/pod-a"), Namespace.named("pod-a"));

    @Test
    void dualStackPodGetsAddressesWithoutDadAndDefaultRoutesViaTheGateway() {
        setup.apply(links, netns, Veth.of("eth0", InterfaceAddress.parse("10.1.0.5/32"), InterfaceAddress.parse("fd00::5/128")), "interfaces[0]");
        assertEquals(List.of(
                "ip -n pod-a -batch",
                "address add 10.1.0.5/32 dev eth0",
                "address add fd00::5/128 dev eth0 nodad",
                "link set dev eth0 up",
                "route add 169.254.1.1/32 dev eth0",
                "route add 0.0.0.0/0 via 169.254.1.1 dev eth0",
                "route add ::/0 via fe80::1 dev eth0"), ran);
    }

    @Test
    void routesOfTheSpecGoViaTheGatewayOfTheirFamily() {
        Veth veth = new Veth("eth0", List.of(InterfaceAddress.parse("10.1.0.5/32")),
                List.of(Route.onLink(IpPrefix.parse("10.0.0.0/8")), Route.via(IpPrefix.parse("192.168.0.0/16"), IpAddress.parse("169.254.1.1"))),
                1500, Optional.empty());
        setup.apply(links, new PodNetns(Path.of("/proc/42/ns/net"), Namespace.atPath(Path.of("/proc/42/ns/net"))), veth, "interfaces[0]");
        assertEquals(List.of(
                "nsenter --net=/proc/42/ns/net ip -batch",
                "address add 10.1.0.5/32 dev eth0",
                "link set dev eth0 up",
                "route add 169.254.1.1/32 dev eth0",
                "route add 10.0.0.0/8 via 169.254.1.1 dev eth0",
                "route add 192.168.0.0/16 via 169.254.1.1 dev eth0"), ran);
    }

    @Test
    void aGatewayBoosterDoesNotAnswerForIsRefusedBeforeAnythingRuns() {
        Veth veth = new Veth("eth0", List.of(InterfaceAddress.parse("10.1.0.5/32")),
                List.of(Route.via(IpPrefix.parse("0.0.0.0/0"), IpAddress.parse("10.1.0.1"))), 1500, Optional.empty());
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> setup.apply(links, netns, veth, "interfaces[1]"));
        assertEquals("interfaces[1].routes[0].gateway", e.field());
        assertTrue(e.getMessage().contains("169.254.1.1"), e.getMessage());
        assertTrue(ran.isEmpty(), ran.toString());
    }
}
