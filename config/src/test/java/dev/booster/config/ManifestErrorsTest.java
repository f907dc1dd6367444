package dev.booster.config;

import dev.booster.api.DataplaneConfig;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.tunnel.TunnelSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Bad manifests fail with the path of the bad value and a problem a person can fix, never Jackson's internals. */
class ManifestErrorsTest {

    /** A valid policy whose second ingress port is {@code %s}; the other placeholders let a test add fields. */
    private static final String POLICY = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: web
              namespace: shop
            spec:
              podSelector:
                matchLabels:
                  app: web
              ingress:
              - from:
                - podSelector: {}
                ports:
                - port: 80
                  protocol: TCP
                - port: %s
                  protocol: TCP
            """;

    private static String policy(String secondPort) {
        return POLICY.formatted(secondPort);
    }

    private static String policyWithSpec(String extraSpecLines) {
        return policy("443") + extraSpecLines.indent(2);
    }

    static Stream<Arguments> badPolicies() {
        return Stream.of(
                Arguments.of("bad named port", policy("http-x!"),
                        "spec.ingress[0].ports[1].port: \"http-x!\" is not a named port or 1..65535 (a name is 1..15 characters of a-z, 0-9 and '-', with a letter)"),
                Arguments.of("port out of range", policy("70000"),
                        "spec.ingress[0].ports[1].port: 70000 is not a port number; use 1..65535"),
                Arguments.of("port as a list", policy("[80, 81]"),
                        "spec.ingress[0].ports[1].port: expected a port number (1..65535) or port name, got a list"),
                Arguments.of("misspelt field", policy("443").replace("podSelector:\n    matchLabels", "podSelektor:\n    matchLabels"),
                        "spec: unknown field \"podSelektor\" (did you mean \"podSelector\"?); known fields: podSelector, policyTypes, ingress, egress, order, tier, namespaceSelector"),
                Arguments.of("unknown field in a port", policy("443\n      portt: 1"),
                        "spec.ingress[0].ports[1]: unknown field \"portt\" (did you mean \"port\"?); known fields: protocol, port, endPort"),
                Arguments.of("protocol in lower case", policy("443").replace("protocol: TCP\n  - port: 443", "protocol: tcp\n  - port: 443")
                                .replace("  - port: 443\n      protocol: TCP", "  - port: 443\n      protocol: tcp"),
                        "spec.ingress[0].ports[1].protocol: \"tcp\" is not one of TCP, UDP, SCTP (did you mean \"TCP\"?)"),
                Arguments.of("endPort below port", policy("443\n      endPort: 400"),
                        "spec.ingress[0].ports[1].endPort: 400 must be in 443..65535 (not below port)"),
                Arguments.of("endPort with a named port", policy("https\n      endPort: 500"),
                        "spec.ingress[0].ports[1].endPort: cannot be used with named port \"https\"; give a numeric port"),
                Arguments.of("rules a list expects a list", policyWithSpec("egress: allow-all\npolicyTypes: [Egress]"),
                        "spec.egress: expected a list, got the string \"allow-all\""),
                Arguments.of("policy type misspelt", policyWithSpec("policyTypes: [Ingres]"),
                        "spec.policyTypes[0]: \"Ingres\" is not one of Ingress, Egress (did you mean \"Ingress\"?)"),
                Arguments.of("ingress rules without the Ingress type", policyWithSpec("policyTypes: [Egress]"),
                        "spec.ingress: has rules but policyTypes does not include Ingress; add Ingress or drop the rules"),
                Arguments.of("ipBlock with host bits", policyWithSpec("egress:\n- to:\n  - ipBlock:\n      cidr: 10.1.2.3/16"),
                        "spec.egress[0].to[0].ipBlock.cidr: \"10.1.2.3/16\" has host bits set; did you mean 10.1.0.0/16?"),
                Arguments.of("except outside cidr", policyWithSpec("egress:\n- to:\n  - ipBlock:\n      cidr: 10.0.0.0/8\n      except: [10.1.0.0/16, 11.0.0.0/16]"),
                        "spec.egress[0].to[0].ipBlock.except[1]: 11.0.0.0/16 must be a strict subnet of cidr 10.0.0.0/8"),
                Arguments.of("bad IPv6 cidr", policyWithSpec("egress:\n- to:\n  - ipBlock:\n      cidr: 2001:db8::1::/64"),
                        "spec.egress[0].to[0].ipBlock.cidr: \"2001:db8::1::\" is not an IPv6 address: '::' may appear only once"),
                Arguments.of("ipBlock with a selector", policyWithSpec("egress:\n- to:\n  - ipBlock:\n      cidr: 10.0.0.0/8\n    podSelector: {}"),
                        "spec.egress[0].to[0].ipBlock: cannot be combined with podSelector or namespaceSelector in one peer; make it a separate peer"),
                Arguments.of("empty peer", policyWithSpec("egress:\n- to:\n  - {}"),
                        "spec.egress[0].to[0]: a peer needs podSelector, namespaceSelector or ipBlock"),
                Arguments.of("In without values", policy("443").replace("matchLabels:\n      app: web", "matchExpressions:\n    - key: app\n      operator: In"),
                        "spec.podSelector.matchExpressions[0].values: must not be empty for operator In"),
                Arguments.of("operator misspelt", policy("443").replace("matchLabels:\n      app: web", "matchExpressions:\n    - key: app\n      operator: Exist"),
                        "spec.podSelector.matchExpressions[0].operator: \"Exist\" is not one of In, NotIn, Exists, DoesNotExist (did you mean \"Exists\"?)"),
                Arguments.of("label value too odd", policy("443").replace("app: web", "app: -web-"),
                        "spec.podSelector.matchLabels.app: label value \"-web-\" is invalid; use at most 63 characters of [A-Za-z0-9._-], starting and ending alphanumeric"),
                Arguments.of("selector as text", policy("443").replace("podSelector:\n    matchLabels:\n      app: web", "podSelector: app=web"),
                        "spec.podSelector: expected an object, got the string \"app=web\""),
                Arguments.of("missing namespace, kubectl's status present", policy("443").replace("  namespace: shop\n", "") + "status: {}\n",
                        "metadata.namespace: is required for a NetworkPolicy (a GlobalNetworkPolicy has none)"),
                Arguments.of("upper-case name", policy("443").replace("name: web", "name: Web"),
                        "metadata.name: \"Web\" is not a DNS subdomain name (lower case a-z, 0-9, '-' and '.')"),
                Arguments.of("other kind", policy("443").replace("kind: NetworkPolicy", "kind: Service"),
                        "kind: \"Service\" is not a policy; use NetworkPolicy or GlobalNetworkPolicy"),
                Arguments.of("order not a number", policyWithSpec("order: first"),
                        "spec.order: expected a number, got the string \"first\""),
                Arguments.of("misspelt top-level field", policy("443").replace("spec:", "spce:"),
                        "unknown field \"spce\" (did you mean \"spec\"?); known fields: apiVersion, kind, metadata, spec"),
                Arguments.of("YAML syntax", policy("[80, 81"),
                        "line 17, column 15: expected ',' or ']', but got : (while parsing a flow sequence that starts at line 16, column 13)"),
                Arguments.of("YAML bad indentation", policy("443\n       protocol: UDP"),
                        "line 17, column 16: mapping values are not allowed here"),
                Arguments.of("duplicate key", policy("443\n      port: 444"),
                        "line 17, column 11: field \"port\" appears twice"),
                Arguments.of("a scalar document", "just text",
                        "expected a NetworkPolicy, a GlobalNetworkPolicy or a List of them, got the string \"just text\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPolicies")
    void badPolicyNamesPathAndProblem(String description, String yaml, String message) {
        ManifestException e = assertThrows(ManifestException.class, () -> Manifests.policiesFromYaml(yaml), description);
        assertEquals(message, e.getMessage());
        assertReadable(e);
    }

    @Test
    void pathAndProblemAreSeparate() {
        ManifestException e = assertThrows(ManifestException.class, () -> Manifests.policiesFromYaml(policy("http-x!")));
        assertEquals("spec.ingress[0].ports[1].port", e.path());
        assertEquals("spec.ingress[0].ports[1].port", e.field());
        assertEquals(Optional.empty(), e.document());
    }

    @Test
    void listItemsArePrefixedWithTheirIndex() {
        String list = "apiVersion: v1\nkind: List\nitems:\n- " + policy("443").indent(2).strip() + "\n- " + policy("0").indent(2).strip() + "\n";
        ManifestException e = assertThrows(ManifestException.class, () -> Manifests.policiesFromYaml(list));
        assertEquals("items[1].spec.ingress[0].ports[1].port: 0 is not a port number; use 1..65535", e.getMessage());
    }

    @Test
    void listsWithUnknownFieldsAreRefused() {
        ManifestException e = assertThrows(ManifestException.class, () -> Manifests.policiesFromYaml("kind: List\nitem: []\n"));
        assertEquals("unknown field \"item\" in a List; known fields: apiVersion, kind, metadata, items", e.getMessage());
    }

    @Test
    void multiDocumentErrorsNameTheDocument() {
        String twoDocs = policy("443") + "---\n" + policy("https\n      endPort: 500");
        ManifestException e = assertThrows(ManifestException.class, () -> Manifests.policiesFromYaml(twoDocs));
        assertEquals("document 2: spec.ingress[0].ports[1].endPort: cannot be used with named port \"https\"; give a numeric port", e.getMessage());
        assertEquals(Optional.of(2), e.document());

        String syntaxInSecond = policy("443") + "---\nkind: [\n";
        ManifestException syntax = assertThrows(ManifestException.class, () -> Manifests.policiesFromYaml(syntaxInSecond));
        assertEquals(Optional.of(2), syntax.document());
    }

    @Test
    void jsonSyntaxErrorsGiveLineAndColumn() {
        ManifestException e = assertThrows(ManifestException.class, () -> Manifests.policiesFromJson("{\n  \"kind\": \"NetworkPolicy\",\n}"));
        assertEquals("line 3, column 1: Unexpected character ('}' (code 125)): was expecting double-quote to start field name", e.getMessage());
    }

    @Test
    void podSpecErrorsNameTheInterface() {
        String pod = """
                uid: pod-1
                namespace: shop
                name: web-0
                netns: /var/run/netns/web-0
                interfaces:
                - type: veth
                  name: eth0
                  mtu: 1500
                  addresses: [10.1.0.5/24]
                - type: memif
                  name: data0
                  mtu: 1500
                  role: MASTER
                  mode: ETHERNET
                  socketPath: /run/memif.sock
                  queues: 1
                  ringSize: %s
                """;
        assertEquals("interfaces[1].ringSize: 1000 must be a power of two from 16 to 16384",
                assertThrows(ManifestException.class, () -> Manifests.readYaml(pod.formatted("1000"), PodSpec.class)).getMessage());
        assertEquals("interfaces[1].type: \"memiff\" is not a known type (did you mean \"memif\"?); use one of veth, tap, memif, afXdp",
                assertThrows(ManifestException.class, () -> Manifests.readYaml(pod.formatted("1024").replace("memif\n", "memiff\n"), PodSpec.class)).getMessage());
        assertEquals("interfaces[0]: missing \"type\"; use one of veth, tap, memif, afXdp",
                assertThrows(ManifestException.class, () -> Manifests.readYaml(pod.formatted("1024").replace("- type: veth\n  name", "- name"), PodSpec.class)).getMessage());
        assertEquals("interfaces[1].role: is required",
                assertThrows(ManifestException.class, () -> Manifests.readYaml(pod.formatted("1024").replace("  role: MASTER\n", ""), PodSpec.class)).getMessage());
        assertEquals("interfaces[0].addresses[0]: \"10.1.0.5/33\": prefix length 33 is out of range; use 0..32",
                assertThrows(ManifestException.class, () -> Manifests.readYaml(pod.formatted("1024").replace("10.1.0.5/24", "10.1.0.5/33"), PodSpec.class)).getMessage());
        assertEquals("interfaces[0].mtu: expected an integer, got the number 1500.5",
                assertThrows(ManifestException.class, () -> Manifests.readYaml(pod.formatted("1024").replace("mtu: 1500\n  addresses", "mtu: 1500.5\n  addresses"), PodSpec.class)).getMessage());
    }

    @Test
    void secretsAreNeverEchoed() {
        String tunnel = """
                remoteNode: node-2
                localAddress: 192.168.1.1
                remoteAddress: 192.168.1.2
                remotePodCidrs: [10.2.0.0/24]
                protection: ipsec-esp-aes-gcm-128
                key: %s
                """;
        ManifestException odd = assertThrows(ManifestException.class, () -> Manifests.readYaml(tunnel.formatted("hex:c0ffee1"), TunnelSpec.class));
        assertEquals("key: key is not valid hex (7 characters; need an even number of 0-9a-f)", odd.getMessage());
        ManifestException shortKey = assertThrows(ManifestException.class, () -> Manifests.readYaml(tunnel.formatted("topsecretpassword"), TunnelSpec.class));
        assertEquals("key: static IPSEC_ESP_AES_GCM_128 needs 20 bytes (key + 4-byte salt), got 17", shortKey.getMessage());
        ManifestException wrongType = assertThrows(ManifestException.class, () -> Manifests.readYaml(tunnel.formatted("[1, 2]"), TunnelSpec.class));
        assertEquals("key: expected a string, got a list", wrongType.getMessage());
        ManifestException number = assertThrows(ManifestException.class, () -> Manifests.readYaml(tunnel.formatted("123456"), TunnelSpec.class));
        assertEquals("key: expected a string, got a number", number.getMessage());
        ManifestException redacted = assertThrows(ManifestException.class, () -> Manifests.readYaml(tunnel.formatted("<redacted>"), TunnelSpec.class));
        assertEquals("key: <redacted> is the marker Booster writes in place of a secret; put the real secret here", redacted.getMessage());
    }

    @Test
    void dataplaneConfigErrors() {
        assertEquals("workers: 0 is out of range; use 1..256",
                assertThrows(ManifestException.class, () -> Manifests.readYaml("workers: 0", DataplaneConfig.class)).getMessage());
        assertEquals("requiredCapabilities[0]: \"POLICYS\" is not one of VETH, TAP, MEMIF, AF_XDP_POD, IPV6, POLICY, STATEFUL_POLICY, "
                        + "POLICY_TIERS, TUNNELS, IPSEC, WIREGUARD, SERVICES, TRACING, UNPRIVILEGED (did you mean \"POLICY\"?)",
                assertThrows(ManifestException.class, () -> Manifests.readYaml("requiredCapabilities: [POLICYS]", DataplaneConfig.class)).getMessage());
        assertEquals("unknown field \"worker\" (did you mean \"workers\"?); known fields: provider, requiredCapabilities, nodeName, workers, options",
                assertThrows(ManifestException.class, () -> Manifests.readYaml("worker: 2", DataplaneConfig.class)).getMessage());
    }

    @Test
    void oneDocumentExpected() {
        assertEquals("has 2 documents; expected one",
                assertThrows(ManifestException.class, () -> Manifests.readYaml("workers: 1\n---\nworkers: 2\n", DataplaneConfig.class)).getMessage());
        assertEquals("the document is empty; expected an object",
                assertThrows(ManifestException.class, () -> Manifests.readYaml("", DataplaneConfig.class)).getMessage());
        assertEquals("line 1, column 16: a second value follows the first; give one value (a list holds several)",
                assertThrows(ManifestException.class, () -> Manifests.readJson("{\"workers\": 1} {\"workers\": 2}", DataplaneConfig.class)).getMessage());
        assertEquals("the document is empty; expected an object",
                assertThrows(ManifestException.class, () -> Manifests.readJson(" ", DataplaneConfig.class)).getMessage());
    }

    /** No Java class names, Jackson wording or stack trace text. */
    private static void assertReadable(ManifestException e) {
        String m = e.getMessage();
        for (String leak : new String[]{"dev.booster", "com.fasterxml", "java.", "Cannot deserialize", "Cannot construct", "\n", "`"}) {
            assertFalse(m.contains(leak), "leaks '" + leak + "': " + m);
        }
        assertEquals(null, e.getCause(), "a translated error carries no Jackson cause whose stack trace could be printed");
    }
}
