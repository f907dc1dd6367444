package dev.booster.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.booster.api.pod.InterfaceSpec;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Booster's plugin configuration, read from a request's JSON and checked field by field:
 * <pre>{@code
 * {"cniVersion": "1.0.0", "name": "k8s-pod-network", "type": "booster-cni", "mtu": 1500,
 *  "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.244.1.0/24"}]]},
 *  "dns": {"nameservers": ["10.96.0.10"]},
 *  "args": {"cni": {"booster.dev/memif": "true"}}}
 * }</pre>
 * Besides the spec's keys ({@code cniVersion}, {@code name}, {@code type}, {@code ipam}, {@code dns},
 * {@code runtimeConfig}, {@code prevResult}, {@code args}, {@code disableCheck}, {@code disableGC},
 * {@code capabilities}, {@code cni.dev/*}) only {@code mtu} is known; any other key is refused with code 2 (a typo
 * is caught instead of silently ignored).
 *
 * @param ipamType         {@code ipam.type}, the delegated IPAM plugin's binary name
 * @param runtimeConfig    the runtime's capability arguments (may hold {@code booster.dev/memif} and
 *                         {@code booster.dev/interfaces})
 * @param cniArgs          {@code args.cni}, the conventional place for per-network arguments
 * @param validAttachments GC's {@code cni.dev/valid-attachments}
 */
public record NetworkConfig(CniVersion version, String name, String type, Optional<String> ipamType, int mtu, CniResult.Dns dns,
                            Optional<CniResult> prevResult, ObjectNode runtimeConfig, ObjectNode cniArgs,
                            Optional<List<AttachmentKey>> validAttachments, ObjectNode json) {

    static final String VALID_ATTACHMENTS = "cni.dev/valid-attachments";
    private static final Set<String> SPEC_KEYS = Set.of("cniVersion", "cniVersions", "name", "type", "ipam", "dns", "runtimeConfig",
            "prevResult", "args", "disableCheck", "disableGC", "capabilities");
    private static final Set<String> BOOSTER_KEYS = Set.of("mtu");

    /** One attachment: the {@code (CNI_CONTAINERID, CNI_IFNAME)} pair that identifies it. */
    public record AttachmentKey(String containerId, String ifName) {
        @Override
        public String toString() {
            return containerId + "/" + ifName;
        }
    }

    /**
     * Reads and checks {@code json} for {@code command}.
     *
     * @throws CniException code 1 for an unsupported cniVersion or a command the version lacks, 2 for an unknown key,
     *                      6 for a prevResult that is not a result, 7 for anything else wrong (naming the field)
     */
    public static NetworkConfig parse(ObjectNode json, CniCommand command) {
        CniVersion version = CniVersion.parse(json.path("cniVersion").asText(""));
        String v = version.toString();
        if (!version.supports(command)) {
            throw new CniException(v, CniError.INCOMPATIBLE_VERSION, command + " does not exist in CNI " + v,
                    "STATUS and GC came with cniVersion 1.1.0");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            if (!SPEC_KEYS.contains(key) && !BOOSTER_KEYS.contains(key) && !key.startsWith("cni.dev/")) {
                throw new CniException(v, CniError.UNSUPPORTED_FIELD, "unsupported field \"" + key + "\": " + field.getValue(),
                        "booster-cni knows the spec's keys and: " + String.join(", ", BOOSTER_KEYS));
            }
        }
        String name = requiredText(json, "name", v);
        String type = requiredText(json, "type", v);
        Optional<String> ipamType = Optional.empty();
        JsonNode ipam = json.get("ipam");
        if (ipam != null) {
            if (!ipam.isObject()) throw invalid(v, "ipam", "is not an object", "e.g. {\"type\": \"host-local\", ...}");
            JsonNode t = ipam.get("type");
            if (t == null || !t.isTextual() || t.asText().isEmpty()) {
                throw invalid(v, "ipam.type", "is missing", "name the IPAM plugin binary, e.g. \"host-local\"");
            }
            if (t.asText().contains("/")) throw invalid(v, "ipam.type", "\"" + t.asText() + "\" contains '/'", "give a binary name found on CNI_PATH");
            ipamType = Optional.of(t.asText());
        } else if (command.isAttachmentCommand()) {
            throw invalid(v, "ipam", "is missing", "booster-cni delegates addresses to an IPAM plugin: add \"ipam\": {\"type\": \"host-local\", ...}");
        }
        int mtu = InterfaceSpec.DEFAULT_MTU;
        JsonNode m = json.get("mtu");
        if (m != null) {
            if (!m.isIntegralNumber() || m.asInt() < InterfaceSpec.MIN_MTU || m.asInt() > InterfaceSpec.MAX_MTU) {
                throw invalid(v, "mtu", m + " is not an MTU", "use " + InterfaceSpec.MIN_MTU + ".." + InterfaceSpec.MAX_MTU);
            }
            mtu = m.asInt();
        }
        CniResult.Dns dns = CniResult.Dns.EMPTY;
        JsonNode d = json.get("dns");
        if (d != null) {
            if (!d.isObject()) throw invalid(v, "dns", "is not an object", "e.g. {\"nameservers\": [\"10.96.0.10\"]}");
            ObjectNode wrapper = JsonNodeFactory.instance.objectNode();
            wrapper.set("dns", d);
            dns = CniResult.parse(wrapper, version, "dns").dns();
        }
        Optional<CniResult> prevResult = Optional.empty();
        JsonNode prev = json.get("prevResult");
        if (prev != null && !prev.isNull() && !(prev.isObject() && prev.isEmpty())) {
            prevResult = Optional.of(parseNested(() -> CniResult.parse(prev, version, "prevResult"), v));
        }
        ObjectNode runtimeConfig = objectOrEmpty(json, "runtimeConfig", v);
        ObjectNode args = objectOrEmpty(json, "args", v);
        ObjectNode cniArgs = args.has("cni") ? objectOrEmpty(args, "cni", v) : JsonNodeFactory.instance.objectNode();
        Optional<List<AttachmentKey>> valid = Optional.empty();
        if (command == CniCommand.GC) valid = Optional.of(validAttachments(json, v));
        return new NetworkConfig(version, name, type, ipamType, mtu, dns, prevResult, runtimeConfig, cniArgs, valid, json);
    }

    private static List<AttachmentKey> validAttachments(ObjectNode json, String v) {
        JsonNode list = json.get(VALID_ATTACHMENTS);
        if (list == null || !list.isArray()) {
            throw invalid(v, VALID_ATTACHMENTS, "is missing or not an array",
                    "GC needs the list of attachments still in use; without it every attachment would look stale");
        }
        List<AttachmentKey> keys = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode o = list.get(i);
            String at = VALID_ATTACHMENTS + "[" + i + "]";
            keys.add(new AttachmentKey(requiredText(o, "containerID", v, at), requiredText(o, "ifname", v, at)));
        }
        return keys;
    }

    private static <T> T parseNested(java.util.function.Supplier<T> parser, String v) {
        try {
            return parser.get();
        } catch (CniException e) {
            throw new CniException(e.error().withVersion(v));
        }
    }

    private static ObjectNode objectOrEmpty(JsonNode json, String key, String v) {
        JsonNode n = json.get(key);
        if (n == null || n.isNull()) return JsonNodeFactory.instance.objectNode();
        if (!n.isObject()) throw invalid(v, key, "is not an object", "see SPEC.md section 1");
        return (ObjectNode) n;
    }

    private static String requiredText(JsonNode json, String key, String v) {
        return requiredText(json, key, v, "");
    }

    private static String requiredText(JsonNode json, String key, String v, String at) {
        JsonNode n = json.get(key);
        String field = at.isEmpty() ? key : at + "." + key;
        if (n == null || !n.isTextual() || n.asText().isEmpty()) throw invalid(v, field, "is missing or not a string", "see SPEC.md section 1");
        return n.asText();
    }

    static CniException invalid(String version, String field, String problem, String fix) {
        return new CniException(version, CniError.INVALID_CONFIG, "invalid network configuration: " + field + " " + problem, fix);
    }
}
