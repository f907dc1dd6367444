package dev.booster.host.link;

import dev.booster.api.InvalidSpecException;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpFamily;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.MacAddress;
import dev.booster.api.net.Route;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The `ip` command lines IpLinkManager runs, and what it makes of their output, without running anything. */
class IpLinkManagerTest {
    private final List<List<String>> ran = new ArrayList<>();
    private Function<List<String>, CommandResult> answer = command -> new CommandResult(command, 0, "", "");
    private final IpLinkManager links = new IpLinkManager((command, timeout) -> {
        ran.add(command);
        return answer.apply(command);
    }, Duration.ofSeconds(1), "ip");

    private static final Namespace.Named POD = Namespace.named("pod-a");

    @Test
    void buildsTheExpectedCommands() {
        links.addNamespace("pod-a");
        links.addVethPair("veth0", "eth0");
        links.moveToNamespace("eth0", "pod-a");
        links.setMac(POD, "eth0", MacAddress.parse("02:00:00:00:00:05"));
        links.setMtu(Namespace.host(), "veth0", 1450);
        links.setUp(POD, "eth0");
        links.setDown(Namespace.host(), "veth0");
        links.addAddress(POD, "eth0", InterfaceAddress.parse("10.1.0.5/24"));
        links.addRoute(POD, "eth0", Route.via(IpPrefix.parse("0.0.0.0/0"), IpAddress.parse("10.1.0.1")));
        links.addRoute(POD, "eth0", Route.onLink(IpPrefix.parse("10.1.0.1/32")));
        links.addNeighbor(POD, "eth0", IpAddress.parse("10.1.0.1"), MacAddress.parse("02:00:00:00:00:01"));
        assertEquals(List.of(
                List.of("ip", "netns", "add", "pod-a"),
                List.of("ip", "link", "add", "veth0", "type", "veth", "peer", "name", "eth0"),
                List.of("ip", "link", "set", "dev", "eth0", "netns", "pod-a"),
                List.of("ip", "-n", "pod-a", "link", "set", "dev", "eth0", "address", "02:00:00:00:00:05"),
                List.of("ip", "link", "set", "dev", "veth0", "mtu", "1450"),
                List.of("ip", "-n", "pod-a", "link", "set", "dev", "eth0", "up"),
                List.of("ip", "link", "set", "dev", "veth0", "down"),
                List.of("ip", "-n", "pod-a", "address", "add", "10.1.0.5/24", "dev", "eth0"),
                List.of("ip", "-n", "pod-a", "route", "add", "0.0.0.0/0", "via", "10.1.0.1", "dev", "eth0"),
                List.of("ip", "-n", "pod-a", "route", "add", "10.1.0.1/32", "dev", "eth0"),
                List.of("ip", "-n", "pod-a", "neigh", "replace", "10.1.0.1", "lladdr", "02:00:00:00:00:01", "dev", "eth0", "nud", "permanent")),
                ran);
    }

    @Test
    void createsAPodVethStraightInTheTargetNamespaceWithOneQueuePerEnd() {
        MacAddress host = MacAddress.parse("ee:ee:ee:ee:ee:ee");
        MacAddress pod = MacAddress.parse("02:00:00:00:00:05");
        links.addPodVeth("bst0123456789", host, POD, "eth0", pod, 1500);
        links.addPodVeth("bst0123456789", host, Namespace.atPath(Path.of("/proc/42/ns/net")), "eth0", pod, 9000);
        List<String> common = List.of("ip", "link", "add", "bst0123456789", "numtxqueues", "1", "numrxqueues", "1",
                "address", "ee:ee:ee:ee:ee:ee", "mtu", "1500", "type", "veth", "peer", "name", "eth0", "numtxqueues", "1",
                "numrxqueues", "1", "address", "02:00:00:00:00:05", "mtu", "1500");
        List<String> named = new ArrayList<>(common);
        named.addAll(List.of("netns", "pod-a"));
        assertEquals(named, ran.get(0));
        assertEquals(List.of("netns", "/proc/42/ns/net"), ran.get(1).subList(ran.get(1).size() - 2, ran.get(1).size()));
        assertTrue(ran.get(1).contains("9000"));
        assertThrows(InvalidSpecException.class, () -> links.addPodVeth("eth0", host, Namespace.host(), "eth0", pod, 1500));
        assertThrows(InvalidSpecException.class, () -> links.addPodVeth("bst1", MacAddress.BROADCAST, POD, "eth0", pod, 1500));
        assertEquals(2, ran.size(), "refused before running: " + ran);
    }

    @Test
    void aNamespaceGivenByPathIsEnteredWithNsenter() {
        Namespace proc = Namespace.atPath(Path.of("/proc/42/ns/net"));
        links.setUp(proc, "eth0");
        links.addAddress(proc, "eth0", InterfaceAddress.parse("fd00::5/128"), false);
        links.addAddress(proc, "eth0", InterfaceAddress.parse("10.1.0.5/32"), false);
        links.addAddress(POD, "eth0", InterfaceAddress.parse("fd00::5/128"));
        links.setUpWithoutIpv6Addresses(Namespace.host(), "bst1");
        assertEquals(List.of(
                List.of("nsenter", "--net=/proc/42/ns/net", "ip", "link", "set", "dev", "eth0", "up"),
                List.of("nsenter", "--net=/proc/42/ns/net", "ip", "address", "add", "fd00::5/128", "dev", "eth0", "nodad"),
                List.of("nsenter", "--net=/proc/42/ns/net", "ip", "address", "add", "10.1.0.5/32", "dev", "eth0"),
                List.of("ip", "-n", "pod-a", "address", "add", "fd00::5/128", "dev", "eth0"),
                List.of("ip", "link", "set", "dev", "bst1", "addrgenmode", "none", "up")), ran);
        assertThrows(InvalidSpecException.class, () -> Namespace.atPath(Path.of("proc/42/ns/net")));
    }

    @Test
    void configuresAnInterfaceInOneBatchAndNamesTheBatchWhenItFails() {
        List<String> batch = new ArrayList<>();
        answer = command -> {
            try {
                batch.addAll(java.nio.file.Files.readAllLines(Path.of(command.getLast())));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return new CommandResult(command, 1, "", "RTNETLINK answers: File exists\nCommand failed /tmp/x:4\n");
        };
        CommandFailedException e = assertThrows(CommandFailedException.class, () -> links.configureInterface(POD, "eth0",
                List.of(InterfaceAddress.parse("10.1.0.5/32"), InterfaceAddress.parse("fd00::5/128")),
                List.of(Route.onLink(IpPrefix.parse("169.254.1.1/32")), Route.via(IpPrefix.parse("0.0.0.0/0"), IpAddress.parse("169.254.1.1")))));
        assertEquals(List.of(
                "address add 10.1.0.5/32 dev eth0",
                "address add fd00::5/128 dev eth0 nodad",
                "link set dev eth0 up",
                "route add 169.254.1.1/32 dev eth0",
                "route add 0.0.0.0/0 via 169.254.1.1 dev eth0"), batch);
        assertEquals(List.of("ip", "-n", "pod-a", "-batch"), ran.getLast().subList(0, 4));
        assertTrue(e.getMessage().startsWith("`ip -n pod-a -batch <address add 10.1.0.5/32 dev eth0; address add fd00::5/128 dev eth0 nodad; "),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("failed with exit code 1: RTNETLINK answers: File exists\nCommand failed /tmp/x:4"), e.getMessage());
        assertFalse(java.nio.file.Files.exists(Path.of(ran.getLast().getLast())), "the batch file is removed");
    }

    @Test
    void listsLinkNamesFromIpJson() {
        answer = command -> new CommandResult(command, 0, "[{\"ifindex\":1,\"ifname\":\"lo\",\"flags\":[\"LOOPBACK\"]},"
                + "{\"ifindex\":7,\"link\":\"eth0\",\"ifname\":\"bst0123456789\",\"link_netnsid\":2}]", "");
        assertEquals(List.of("lo", "bst0123456789"), links.linkNames(Namespace.host()));
        assertEquals(List.of("ip", "-j", "link", "show"), ran.getLast());
    }

    @Test
    void invalidNamesAndValuesNeverReachTheHost() {
        assertThrows(InvalidSpecException.class, () -> links.addVethPair("a-name-that-is-too-long", "eth0"));
        assertThrows(InvalidSpecException.class, () -> links.addVethPair("veth0", "eth 0"));
        assertThrows(InvalidSpecException.class, () -> links.addVethPair("veth0", "veth0"));
        assertThrows(InvalidSpecException.class, () -> links.addNamespace("../etc"));
        assertThrows(InvalidSpecException.class, () -> links.addNamespace("-n"));
        assertThrows(InvalidSpecException.class, () -> links.setMtu(POD, "eth0", 67));
        assertThrows(InvalidSpecException.class, () -> links.setMac(POD, "eth0", MacAddress.BROADCAST));
        assertThrows(InvalidSpecException.class, () -> Namespace.named("x".repeat(65)));
        assertTrue(ran.isEmpty(), "ran " + ran);
    }

    @Test
    void failuresCarryTheCommandAndItsStderr() {
        answer = command -> new CommandResult(command, 2, "", "RTNETLINK answers: File exists\n");
        CommandFailedException e = assertThrows(CommandFailedException.class, () -> links.addVethPair("veth0", "eth0"));
        assertEquals("`ip link add veth0 type veth peer name eth0` failed with exit code 2: RTNETLINK answers: File exists", e.getMessage());
        assertEquals(2, e.exitCode());
    }

    @Test
    void deletingWhatIsGoneIsNotAnError() {
        answer = command -> new CommandResult(command, 1, "", "Cannot find device \"veth0\"\n");
        assertFalse(links.deleteLink(Namespace.host(), "veth0"));
        answer = command -> new CommandResult(command, 1, "", "Device \"veth0\" does not exist.\n");
        assertFalse(links.linkExists(Namespace.host(), "veth0"));
        answer = command -> new CommandResult(command, 0, "other (id: 1)\n", "");
        assertFalse(links.deleteNamespace("pod-a"));
        assertEquals(List.of("ip", "netns", "list"), ran.getLast(), "asked, did not delete");
    }

    @Test
    void listsNamespacesWithOrWithoutIds() {
        answer = command -> new CommandResult(command, 0, "pod-b (id: 3)\npod-a\n\n", "");
        assertEquals(List.of("pod-b", "pod-a"), links.namespaces());
        assertTrue(links.namespaceExists("pod-a"));
    }

    @Test
    void readsLinkStateAndCountersFromIpJson() {
        // Captured from `ip -j -s link show dev bxe1` on kernel 6.18 with an XDP program attached.
        String json = "[{\"ifindex\":14,\"link\":\"bxe1p\",\"ifname\":\"bxe1\",\"flags\":[\"NO-CARRIER\",\"BROADCAST\",\"MULTICAST\",\"UP\",\"M-DOWN\"],"
                + "\"mtu\":1500,\"xdp\":{\"mode\":1,\"prog\":{\"id\":187,\"name\":\"xdp_dispatcher\",\"tag\":\"36f4647d2e298650\",\"jited\":1},"
                + "\"attached\":[{\"mode\":1,\"prog\":{\"id\":187,\"name\":\"xdp_dispatcher\",\"tag\":\"36f4647d2e298650\",\"jited\":1}}]},"
                + "\"qdisc\":\"noqueue\",\"operstate\":\"LOWERLAYERDOWN\",\"linkmode\":\"DEFAULT\",\"group\":\"default\",\"txqlen\":1000,"
                + "\"link_type\":\"ether\",\"address\":\"82:98:db:a8:6f:88\",\"broadcast\":\"ff:ff:ff:ff:ff:ff\","
                + "\"stats64\":{\"rx\":{\"bytes\":1234,\"packets\":5,\"errors\":0,\"dropped\":0,\"over_errors\":0,\"multicast\":0},"
                + "\"tx\":{\"bytes\":99,\"packets\":2,\"errors\":0,\"dropped\":0,\"carrier_errors\":0,\"collisions\":0}}}]";
        answer = command -> new CommandResult(command, 0, json, "");
        LinkInfo info = links.link(Namespace.host(), "bxe1").orElseThrow();
        assertEquals(new LinkInfo("bxe1", 14, 1500, MacAddress.parse("82:98:db:a8:6f:88"), true, 187, 5, 1234, 2, 99), info);
        assertEquals(List.of("ip", "-j", "-s", "link", "show", "dev", "bxe1"), ran.getLast());

        String down = "[{\"ifindex\":13,\"link\":\"bxe1\",\"ifname\":\"bxe1p\",\"flags\":[\"BROADCAST\",\"MULTICAST\"],\"mtu\":1400,"
                + "\"qdisc\":\"noop\",\"operstate\":\"DOWN\",\"address\":\"a2:a5:5f:4b:04:26\",\"broadcast\":\"ff:ff:ff:ff:ff:ff\"}]";
        answer = command -> new CommandResult(command, 0, down, "");
        LinkInfo peer = links.link(POD, "bxe1p").orElseThrow();
        assertFalse(peer.up());
        assertFalse(peer.hasXdpProgram());
        assertEquals(1400, peer.mtu());
        assertEquals(List.of("ip", "-n", "pod-a", "-j", "-s", "link", "show", "dev", "bxe1p"), ran.getLast());
    }

    @Test
    void readsTheDefaultGatewayOfALink() {
        answer = command -> new CommandResult(command, 0, "default via 198.18.4.2 metric 4242 \ndefault via 198.18.4.3 metric 5000 \n", "");
        assertEquals(Optional.of(IpAddress.parse("198.18.4.2")), links.defaultGateway(Namespace.host(), "up0", IpFamily.IPV4));
        assertEquals(List.of("ip", "-4", "route", "show", "default", "dev", "up0"), ran.getLast());
        answer = command -> new CommandResult(command, 0, "default via fe80::1 proto ra metric 1024 expires 1790sec pref medium\n", "");
        assertEquals(Optional.of(IpAddress.parse("fe80::1")), links.defaultGateway(POD, "eth0", IpFamily.IPV6));
        assertEquals(List.of("ip", "-n", "pod-a", "-6", "route", "show", "default", "dev", "eth0"), ran.getLast());
        answer = command -> new CommandResult(command, 0, "", "");
        assertEquals(Optional.empty(), links.defaultGateway(Namespace.host(), "up0", IpFamily.IPV4));
    }

    @Test
    void readsANeighboursMacUnlessItIsUnresolved() {
        answer = command -> new CommandResult(command, 0, "198.18.4.2 lladdr 02:00:00:00:00:2a REACHABLE \n", "");
        assertEquals(Optional.of(MacAddress.parse("02:00:00:00:00:2a")), links.neighbour(Namespace.host(), "up0", IpAddress.parse("198.18.4.2")));
        assertEquals(List.of("ip", "neigh", "show", "198.18.4.2", "dev", "up0"), ran.getLast());
        answer = command -> new CommandResult(command, 0, "198.18.4.2 lladdr 02:00:00:00:00:2a STALE\n", "");
        assertTrue(links.neighbour(Namespace.host(), "up0", IpAddress.parse("198.18.4.2")).isPresent(), "a stale entry is still the MAC");
        for (String unresolved : List.of("198.18.4.2 INCOMPLETE\n", "198.18.4.2 FAILED\n", "")) {
            answer = command -> new CommandResult(command, 0, unresolved, "");
            assertEquals(Optional.empty(), links.neighbour(Namespace.host(), "up0", IpAddress.parse("198.18.4.2")), unresolved);
        }
    }
}
