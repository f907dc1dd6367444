package dev.booster.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CniResultTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** SPEC.md 1.1.0's own example result ("Add example", the bridge plugin's output), read and written back. */
    private static final String SPEC_EXAMPLE = """
            {"cniVersion":"1.1.0","interfaces":[{"name":"cni0","mac":"00:11:22:33:44:55"},
              {"name":"veth3243","mac":"55:44:33:22:11:11"},
              {"name":"eth0","mac":"99:88:77:66:55:44","sandbox":"/var/run/netns/blue"}],
             "ips":[{"address":"10.1.0.5/16","gateway":"10.1.0.1","interface":2}],
             "routes":[{"dst":"0.0.0.0/0"}],
             "dns":{"nameservers":["10.1.0.1"]}}""";

    @Test
    void theSpecsExampleReadsAndWritesBackEqual() throws IOException {
        CniResult r = CniResult.parse(JSON.readTree(SPEC_EXAMPLE), CniVersion.V1_1_0, "example");
        assertEquals(JSON.readTree(SPEC_EXAMPLE), JSON.readTree(r.stdout()));
    }

    @Test
    void version040WritesVersionInIpsAndNoExtendedAttributes() throws IOException {
        CniResult r = CniResult.parse(JSON.readTree(SPEC_EXAMPLE.replace("\"mac\":\"00:11:22:33:44:55\"", "\"mac\":\"00:11:22:33:44:55\",\"mtu\":9000")),
                CniVersion.V1_1_0, "example");
        JsonNode v040 = JSON.readTree(r.as(CniVersion.V0_4_0).stdout());
        assertEquals("4", v040.path("ips").get(0).path("version").asText());
        assertFalse(v040.path("interfaces").get(0).has("mtu"));
        JsonNode v100 = JSON.readTree(r.as(CniVersion.V1_0_0).stdout());
        assertFalse(v100.path("ips").get(0).has("version"));
        assertFalse(v100.path("interfaces").get(0).has("mtu"));
        assertEquals(9000, JSON.readTree(r.stdout()).path("interfaces").get(0).path("mtu").asInt());
    }

    @Test
    void an040ResultWithVersionInIpsIsRead() throws IOException {
        CniResult r = CniResult.parse(JSON.readTree("{\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":\"6\",\"address\":\"fd00::5/64\",\"gateway\":\"fd00::1\"}]}"),
                CniVersion.V0_4_0, "ipam");
        assertEquals("fd00::5/64", r.ips().getFirst().address().toString());
        assertTrue(r.ips().getFirst().interfaceIndex().isEmpty());
    }

    @Property(tries = 200)
    void everyResultReadsBackAsWrittenIn110(@ForAll("results") CniResult result) throws IOException {
        CniResult back = CniResult.parse(JSON.readTree(result.stdout()), CniVersion.V1_1_0, "round trip");
        assertEquals(result, back);
    }

    @Property(tries = 100)
    void chainingShiftsTheAddedIndexesPastThePreviousInterfaces(@ForAll("results") CniResult prev, @ForAll("results") CniResult added) {
        CniResult chained = prev.followedBy(added);
        assertEquals(prev.interfaces().size() + added.interfaces().size(), chained.interfaces().size());
        for (int i = 0; i < added.ips().size(); i++) {
            CniResult.IpConfig ip = chained.ips().get(prev.ips().size() + i);
            OptionalInt was = added.ips().get(i).interfaceIndex();
            if (was.isPresent()) assertEquals(chained.interfaces().get(ip.interfaceIndex().getAsInt()), added.interfaces().get(was.getAsInt()));
        }
    }

    @Provide
    Arbitrary<CniResult> results() {
        Arbitrary<CniResult.Interface> iface = Combinators.combine(
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(15),
                Arbitraries.of("02:00:00:00:00:01", "ee:ee:ee:ee:ee:ee").optional(),
                Arbitraries.integers().between(576, 9000).optional(),
                Arbitraries.of("/var/run/netns/a", "/proc/1/ns/net").optional(),
                Arbitraries.of("/run/memif.sock").optional()).as((n, mac, mtu, sandbox, socket) ->
                new CniResult.Interface(n, mac, mtu.map(OptionalInt::of).orElse(OptionalInt.empty()), sandbox, socket, Optional.empty()));
        return iface.list().ofMaxSize(3).flatMap(ifs -> {
            Arbitrary<CniResult.IpConfig> ip = Combinators.combine(
                    Arbitraries.of("10.1.0.5/32", "10.1.0.6/24", "fd00::7/128"),
                    Arbitraries.integers().between(0, Math.max(0, ifs.size() - 1))).as((a, i) -> new CniResult.IpConfig(
                    dev.booster.api.net.InterfaceAddress.parse(a), Optional.empty(), ifs.isEmpty() ? OptionalInt.empty() : OptionalInt.of(i)));
            Arbitrary<CniResult.RouteEntry> route = Combinators.combine(
                    Arbitraries.of("0.0.0.0/0", "10.96.0.0/12", "::/0"), Arbitraries.integers().between(0, 1000).optional())
                    .as((dst, prio) -> new CniResult.RouteEntry(dev.booster.api.net.IpPrefix.parse(dst), Optional.empty(), OptionalInt.empty(),
                            OptionalInt.empty(), prio.map(OptionalInt::of).orElse(OptionalInt.empty()), OptionalInt.empty(), OptionalInt.empty()));
            return Combinators.combine(ip.list().ofMaxSize(3), route.list().ofMaxSize(3)).as((ips, routes) ->
                    new CniResult(CniVersion.V1_1_0, ifs, ips, routes, new CniResult.Dns(List.of("10.96.0.10"), Optional.empty(), List.of(), List.of())));
        });
    }
}
