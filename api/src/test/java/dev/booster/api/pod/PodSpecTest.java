package dev.booster.api.pod;

import dev.booster.api.InvalidSpecException;
import dev.booster.api.Secret;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.MacAddress;
import dev.booster.api.policy.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PodSpecTest {
    private static final InterfaceAddress ADDRESS = InterfaceAddress.parse("10.1.0.5/24");

    private static String problem(Executable build) {
        return assertThrows(InvalidSpecException.class, build).getMessage();
    }

    private static Memif memif(String name, int mtu, Optional<MacAddress> mac, String socket, int id, int queues, int ring, Memif.Mode mode,
                               Optional<Secret> secret) {
        return new Memif(name, List.of(), List.of(), mtu, mac, Memif.Role.MASTER, socket, id, queues, ring, mode, secret);
    }

    @Test
    void builderFillsDefaults() {
        PodSpec pod = PodSpec.builder("shop", "web-0").netns("/var/run/netns/web-0").addInterface(Veth.of("eth0", ADDRESS)).build();
        assertEquals("shop/web-0", pod.uid());
        assertEquals(Optional.of(Path.of("/var/run/netns/web-0")), pod.netns());
        assertEquals(Map.of(), pod.labels());
        assertEquals(List.of(), pod.namedPorts());
        assertEquals(InterfaceSpec.DEFAULT_MTU, pod.interfaces().getFirst().mtu());
    }

    @Test
    void podValidation() {
        assertEquals("interfaces: a pod needs at least one interface",
                problem(() -> PodSpec.builder("shop", "web-0").netns("/x").build()));
        assertEquals("interfaces[1].name: \"eth0\" is used twice",
                problem(() -> PodSpec.builder("shop", "web-0").netns("/x").addInterface(Veth.of("eth0")).addInterface(Tap.of("eth0")).build()));
        assertEquals("netns: is missing; only memif interfaces can be attached without a network namespace (interfaces[1] is not)",
                problem(() -> PodSpec.builder("shop", "web-0").addInterface(Memif.of("m0", "/run/m.sock")).addInterface(Veth.of("eth0")).build()));
        assertEquals("namespace: is empty", problem(() -> PodSpec.builder(" ", "web-0").netns("/x").addInterface(Veth.of("eth0")).build()));
        assertEquals("uid: is empty", problem(() -> PodSpec.builder("shop", "web-0").uid("").netns("/x").addInterface(Veth.of("eth0")).build()));
        PodSpec appOnly = PodSpec.builder("shop", "upf").addInterface(Memif.of("n3", "@upf-n3")).build();
        assertEquals(Optional.empty(), appOnly.netns());
    }

    @Test
    void interfaceValidation() {
        assertEquals("name: \"a-very-long-interface\" is longer than 15 characters (Linux IFNAMSIZ)", problem(() -> Veth.of("a-very-long-interface")));
        assertEquals("name: \"eth/0\" contains '/'; use letters, digits, '-', '_' and '.'", problem(() -> Veth.of("eth/0")));
        assertEquals("name: interface name is empty", problem(() -> Veth.of("")));
        assertEquals("mtu: 575 is out of range; use 576..9000",
                problem(() -> new Veth("eth0", List.of(), List.of(), 575, Optional.empty())));
        assertEquals("mac: 01:00:5e:00:00:01 is a multicast address; use a unicast one",
                problem(() -> new Veth("eth0", List.of(), List.of(), 1500, Optional.of(MacAddress.parse("01:00:5e:00:00:01")))));
        assertEquals("queues: 65 is out of range; use 1..64",
                problem(() -> new Tap("tap0", List.of(), List.of(), 1500, Optional.empty(), 65)));
        assertEquals("mtu: 4000 is above 3498, the largest frame AF_XDP fits in a 4 KiB UMEM frame",
                problem(() -> new AfXdp("xdp0", List.of(), List.of(), 4000, Optional.empty(), 1, AfXdp.XdpMode.AUTO)));
    }

    @Test
    void memifValidation() {
        Optional<MacAddress> noMac = Optional.empty();
        assertEquals("ringSize: 1000 must be a power of two from 16 to 16384",
                problem(() -> memif("m0", 1500, noMac, "/run/m.sock", 0, 1, 1000, Memif.Mode.ETHERNET, Optional.empty())));
        assertEquals("ringSize: 8 must be a power of two from 16 to 16384",
                problem(() -> memif("m0", 1500, noMac, "/run/m.sock", 0, 1, 8, Memif.Mode.ETHERNET, Optional.empty())));
        assertEquals("ringSize: 32768 must be a power of two from 16 to 16384",
                problem(() -> memif("m0", 1500, noMac, "/run/m.sock", 0, 1, 32768, Memif.Mode.ETHERNET, Optional.empty())));
        assertEquals("queues: 0 is out of range; use 1..255",
                problem(() -> memif("m0", 1500, noMac, "/run/m.sock", 0, 0, 1024, Memif.Mode.ETHERNET, Optional.empty())));
        assertEquals("id: -1 is negative",
                problem(() -> memif("m0", 1500, noMac, "/run/m.sock", -1, 1, 1024, Memif.Mode.ETHERNET, Optional.empty())));
        assertEquals("socketPath: is empty; use a path or @abstract-name",
                problem(() -> memif("m0", 1500, noMac, "", 0, 1, 1024, Memif.Mode.ETHERNET, Optional.empty())));
        assertEquals("socketPath: is longer than 107 bytes (sun_path)",
                problem(() -> memif("m0", 1500, noMac, "/" + "s".repeat(107), 0, 1, 1024, Memif.Mode.ETHERNET, Optional.empty())));
        assertEquals("secret: is longer than 24 bytes (memif protocol limit)",
                problem(() -> memif("m0", 1500, noMac, "/run/m.sock", 0, 1, 1024, Memif.Mode.ETHERNET, Optional.of(Secret.ofString("x".repeat(25))))));
        assertEquals("mac: an IP-mode memif has no MAC address",
                problem(() -> memif("m0", 1500, Optional.of(MacAddress.parse("02:00:00:00:00:01")), "/run/m.sock", 0, 1, 1024, Memif.Mode.IP, Optional.empty())));
        Memif ok = memif("m0", 9000, noMac, "@abstract", 7, 255, 16384, Memif.Mode.IP, Optional.of(Secret.ofString("x".repeat(24))));
        assertEquals(16384, ok.ringSize());
    }

    @Test
    void namedPorts() {
        assertEquals(Protocol.TCP, new NamedPort("http", null, 80).protocol());
        assertEquals("port: 0 is not a port; use 1..65535", problem(() -> new NamedPort("http", Protocol.TCP, 0)));
        assertThrows(IllegalArgumentException.class, () -> new NamedPort("HTTP", Protocol.TCP, 80));
    }
}
