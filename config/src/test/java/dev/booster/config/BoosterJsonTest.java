package dev.booster.config;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.booster.api.Capability;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.Secret;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.MacAddress;
import dev.booster.api.net.Route;
import dev.booster.api.pod.AfXdp;
import dev.booster.api.pod.Memif;
import dev.booster.api.pod.NamedPort;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Tap;
import dev.booster.api.pod.Veth;
import dev.booster.api.policy.LabelSelector;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.NetworkPolicySpec;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.policy.Protocol;
import dev.booster.api.policy.Tier;
import dev.booster.api.service.ServiceEndpoint;
import dev.booster.api.service.ServicePort;
import dev.booster.api.service.ServiceSpec;
import dev.booster.api.tunnel.Encapsulation;
import dev.booster.api.tunnel.KeyExchange;
import dev.booster.api.tunnel.Protection;
import dev.booster.api.tunnel.TunnelSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BoosterJsonTest {

    private static final String STATIC_KEY_HEX = "00112233445566778899aabbccddeeff01020304";

    private static PodSpec pod(Optional<Secret> memifSecret) {
        return PodSpec.builder("shop", "web-0").uid("0c9a6a8e-uid").netns("/var/run/netns/web-0")
                .labels(Map.of("app", "web", "version", "1.2"))
                .addInterface(Veth.of("eth0", InterfaceAddress.parse("10.1.0.5/24"), InterfaceAddress.parse("fd00:1::5/64")))
                .addInterface(new Tap("tap0", List.of(), List.of(Route.onLink(IpPrefix.parse("10.9.0.0/16"))), 9000, Optional.of(MacAddress.parse("02:00:0a:01:00:05")), 2))
                .addInterface(new Memif("data0", List.of(InterfaceAddress.parse("10.2.0.5/24")),
                        List.of(Route.via(IpPrefix.parse("0.0.0.0/0"), IpAddress.parse("10.2.0.1"))), 1500, Optional.empty(),
                        Memif.Role.MASTER, "@memif-data0", 3, 2, 2048, Memif.Mode.IP, memifSecret))
                .addInterface(new AfXdp("xdp0", List.of(), List.of(), 3000, Optional.empty(), 4, AfXdp.XdpMode.ZERO_COPY))
                .addNamedPort(new NamedPort("http", Protocol.TCP, 8080))
                .build();
    }

    @Test
    void podSpecRoundTripsWithEveryInterfaceKind() {
        PodSpec pod = pod(Optional.empty());
        String yaml = Manifests.toYaml(pod);
        assertEquals(pod, Manifests.readYaml(yaml, PodSpec.class), yaml);
        assertEquals(pod, Manifests.readJson(Manifests.toJson(pod), PodSpec.class));
        for (String type : List.of("type: veth", "type: tap", "type: memif", "type: afXdp")) assertTrue(yaml.contains(type), yaml);
        assertTrue(yaml.contains("netns: /var/run/netns/web-0"), "a path, not a file:// URI:\n" + yaml);
        assertFalse(yaml.contains("!<"), "no YAML type tags:\n" + yaml);
    }

    @Test
    void interfacesNeedOnlyWhatHasNoDefault() {
        PodSpec pod = Manifests.readYaml("""
                uid: u1
                namespace: shop
                name: web-0
                netns: /proc/42/ns/net
                interfaces:
                - type: veth
                  name: eth0
                  mtu: 1500
                """, PodSpec.class);
        Veth veth = (Veth) pod.interfaces().getFirst();
        assertEquals(List.of(), veth.addresses());
        assertEquals(Optional.empty(), veth.mac());
        assertEquals(List.of(), pod.namedPorts());
    }

    @Test
    void secretsAreWrittenRedacted() {
        Secret secret = Secret.ofString("hunter2-hunter2");
        PodSpec pod = pod(Optional.of(secret));
        String yaml = Manifests.toYaml(pod);
        String json = Manifests.toJson(pod);
        assertTrue(yaml.contains("secret: <redacted>"), yaml);
        assertTrue(json.contains("\"secret\":\"<redacted>\""), json);
        for (String text : List.of(yaml, json)) {
            assertFalse(text.contains("hunter2"), text);
            assertFalse(text.contains(HexFormat.of().formatHex(secret.bytes())), text);
        }
        assertEquals("\"<redacted>\"", Manifests.toJson(Secret.ofHex(STATIC_KEY_HEX)));
    }

    @Test
    void secretsAreReadAsTextOrHex() {
        PodSpec withText = Manifests.readYaml(Manifests.toYaml(pod(Optional.of(Secret.ofString("x")))).replace("<redacted>", "pässword"), PodSpec.class);
        Memif memif = (Memif) withText.interfaces().get(2);
        assertArrayEquals("pässword".getBytes(StandardCharsets.UTF_8), memif.secret().orElseThrow().bytes());

        TunnelSpec tunnel = new TunnelSpec("node-2", IpAddress.parse("192.168.1.1"), IpAddress.parse("192.168.1.2"),
                List.of(IpPrefix.parse("10.2.0.0/24")), Encapsulation.VXLAN, 4096, Protection.IPSEC_ESP_AES_GCM_128, KeyExchange.STATIC,
                Optional.of(Secret.ofHex(STATIC_KEY_HEX)));
        String yaml = Manifests.toYaml(tunnel);
        assertTrue(yaml.contains("key: <redacted>"), yaml);
        assertEquals(tunnel, Manifests.readYaml(yaml.replace("<redacted>", "hex:" + STATIC_KEY_HEX), TunnelSpec.class));
        assertEquals(tunnel, Manifests.readJson(Manifests.toJson(tunnel).replace("<redacted>", "hex:" + STATIC_KEY_HEX.toUpperCase()), TunnelSpec.class));
    }

    @Test
    void tunnelDefaultsNeedNotBeWritten() {
        TunnelSpec plain = Manifests.readYaml("""
                remoteNode: node-3
                localAddress: fd00::1
                remoteAddress: fd00::3
                remotePodCidrs: [fd10:3::/64]
                """, TunnelSpec.class);
        assertEquals(TunnelSpec.plain("node-3", IpAddress.parse("fd00::1"), IpAddress.parse("fd00::3"), IpPrefix.parse("fd10:3::/64")), plain);
        assertEquals(plain, Manifests.readYaml(Manifests.toYaml(plain), TunnelSpec.class));
    }

    @Test
    void serviceSpecRoundTripsWithIsoDurations() {
        ServiceSpec service = new ServiceSpec("kube-system", "kube-dns", List.of(IpAddress.parse("10.96.0.10"), IpAddress.parse("fd00:96::a")),
                List.of(new ServicePort("dns", Protocol.UDP, 53, List.of(new ServiceEndpoint(IpAddress.parse("10.1.0.3"), 53))),
                        new ServicePort("dns-tcp", Protocol.TCP, 53, List.of())),
                ServiceSpec.SessionAffinity.CLIENT_IP, Duration.ofMinutes(30), ServiceSpec.LoadBalancing.DSR);
        String yaml = Manifests.toYaml(service);
        assertTrue(yaml.contains("affinityTimeout: PT30M"), yaml);
        assertTrue(yaml.contains("sessionAffinity: ClientIP"), yaml);
        assertEquals(service, Manifests.readYaml(yaml, ServiceSpec.class));
        assertEquals(service, Manifests.readJson(Manifests.toJson(service), ServiceSpec.class));
    }

    @Test
    void policySetRoundTrips() {
        NetworkPolicy policy = NetworkPolicy.global("baseline", new NetworkPolicySpec(LabelSelector.ALL, List.of(), List.of(), List.of(),
                Optional.of(1.0), Optional.of("security"), Optional.empty()));
        PolicySet set = new PolicySet(List.of(policy), List.of(new Tier("security", 10)), Map.of("shop", Map.of("team", "web")));
        String yaml = Manifests.toYaml(set);
        assertEquals(set, Manifests.readYaml(yaml, PolicySet.class), yaml);
        assertEquals(set, Manifests.readJson(Manifests.toJson(set), PolicySet.class));
    }

    @Test
    void dataplaneConfigRoundTripsAndTakesBuilderDefaults() {
        DataplaneConfig config = DataplaneConfig.builder().provider("afxdp").nodeName("node-1").workers(4)
                .require(Capability.POLICY, Capability.IPV6).option("afxdp.uplink", "eth0").build();
        assertEquals(config, Manifests.readYaml(Manifests.toYaml(config), DataplaneConfig.class));
        assertEquals(config, Manifests.readJson(Manifests.toJson(config), DataplaneConfig.class));

        DataplaneConfig minimal = Manifests.readYaml("nodeName: node-9\n", DataplaneConfig.class);
        assertEquals(DataplaneConfig.builder().nodeName("node-9").build(), minimal);
        assertEquals(1, minimal.workers());
        assertEquals(Optional.empty(), minimal.provider());
    }

    /** Strings that a YAML 1.1 reader would take for numbers or booleans must come back as the same strings. */
    @ParameterizedTest
    @ValueSource(strings = {"1_000", "0x1F", "1e3", "1.5", "0b101", "07", "123", "-1", "+1", ".5", "yes", "on", "n", "null", "~", "true",
            "2024-01-01", "10.0.0.1", "", " padded "})
    void yamlQuotesWhatWouldReadBackAsSomethingElse(String value) {
        String yaml = Manifests.toYaml(Map.of("v", value));
        assertEquals(Map.of("v", value), Manifests.readYaml(yaml, Map.class), yaml);
    }

    @Test
    void yamlStaysPlainWhereItCan() {
        assertEquals("cidr: 10.0.0.0/8\nname: web\n", Manifests.toYaml(new java.util.TreeMap<>(Map.of("cidr", "10.0.0.0/8", "name", "web"))));
    }

    @Test
    void yamlOneOneBooleanWordsAreStrings() {
        assertEquals(Map.of("a", "yes", "b", "off"), Manifests.readYaml("a: yes\nb: off\n", Map.class));
    }

    @Test
    void mappersAreIndependentCopies() {
        JsonMapper a = BoosterJson.jsonMapper();
        a.disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        JsonMapper b = BoosterJson.jsonMapper();
        assertTrue(b.isEnabled(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));
        YAMLMapper yaml = BoosterJson.yamlMapper();
        assertThrows(com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException.class,
                () -> yaml.readValue("name: x\nbogus: 1\n", Tier.class));
    }

    @Test
    void theModuleWorksInAnApplicationsOwnMapper() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper own = new com.fasterxml.jackson.databind.ObjectMapper()
                .registerModule(new com.fasterxml.jackson.datatype.jdk8.Jdk8Module())
                .registerModule(BoosterJson.module());
        assertEquals("\"<redacted>\"", own.writeValueAsString(Secret.ofString("s")));
        assertEquals(Secret.ofHex("abcd"), own.readValue("\"hex:abcd\"", Secret.class));
    }
}
