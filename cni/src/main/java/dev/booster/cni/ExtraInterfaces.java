package dev.booster.cni;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.pod.InterfaceSpec;
import dev.booster.api.pod.Memif;
import dev.booster.config.BoosterJson;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The interfaces a pod gets besides CNI_IFNAME, asked for with two keys (as Calico/VPP's {@code vppExtraMemifPorts}
 * and {@code vppInterfacesSpec}):
 * <ul>
 *   <li>{@value #MEMIF}: {@code "true"} adds a memif {@code memif0} (master, Ethernet, abstract socket
 *       {@code @booster-memif0} in the pod's namespace) for an application that moves packets itself.
 *       Calico/VPP's port lists ({@code "tcp:4444-20000"}, traffic to those ports steered into the memif) are
 *       refused with code 2: Booster's API has no port steering yet.</li>
 *   <li>{@value #INTERFACES}: a JSON array of interface specs as Booster's API reads them
 *       ({@code [{"type": "memif", "name": "data0", ...}]}).</li>
 * </ul>
 * They are read from the pod's annotations (through {@link PodMetadataSource}), else from the request's
 * {@code runtimeConfig}, else from its {@code args.cni}; the first place that has a key wins for that key.
 */
final class ExtraInterfaces {
    static final String MEMIF = "booster.dev/memif";
    static final String INTERFACES = "booster.dev/interfaces";
    static final String DEFAULT_MEMIF_NAME = "memif0";
    static final String DEFAULT_MEMIF_SOCKET = "@booster-memif0";
    private static final JsonMapper SPECS = BoosterJson.jsonMapper();

    private ExtraInterfaces() {
    }

    /** Where an extra-interface key was found, for errors. */
    record Source(String where, String key, JsonNode value) {
        String describe() {
            return where + " " + key + "=" + (value.isTextual() ? value.asText() : value.toString());
        }
    }

    static List<InterfaceSpec> from(Map<String, String> annotations, NetworkConfig config) {
        List<InterfaceSpec> extra = new ArrayList<>();
        find(MEMIF, annotations, config).ifPresent(source -> extra.addAll(memif(source, config.version().toString())));
        find(INTERFACES, annotations, config).ifPresent(source -> extra.addAll(specs(source, config.version().toString())));
        return extra;
    }

    private static Optional<Source> find(String key, Map<String, String> annotations, NetworkConfig config) {
        if (annotations.containsKey(key)) {
            return Optional.of(new Source("pod annotation", key, com.fasterxml.jackson.databind.node.TextNode.valueOf(annotations.get(key))));
        }
        for (var place : List.of(Map.entry("runtimeConfig", config.runtimeConfig()), Map.entry("args.cni", config.cniArgs()))) {
            ObjectNode node = place.getValue();
            if (node.has(key)) return Optional.of(new Source(place.getKey(), key, node.get(key)));
        }
        return Optional.empty();
    }

    private static List<InterfaceSpec> memif(Source source, String version) {
        String value = source.value().isBoolean() ? String.valueOf(source.value().asBoolean()) : source.value().asText("").strip();
        switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> {
                return List.of(Memif.of(DEFAULT_MEMIF_NAME, DEFAULT_MEMIF_SOCKET));
            }
            case "false", "no", "0", "" -> {
                return List.of();
            }
            default -> {
                if (value.matches("(?i)(tcp|udp|sctp):.*")) {
                    throw new CniException(version, CniError.UNSUPPORTED_FIELD, "unsupported value " + source.describe()
                            + ": steering ports into a memif is not in Booster's API yet", "use \"true\" for a plain memif, or "
                            + INTERFACES + " for full interface specs");
                }
                throw new CniException(version, CniError.INVALID_CONFIG, "invalid " + source.describe(), "use \"true\" or \"false\"");
            }
        }
    }

    private static List<InterfaceSpec> specs(Source source, String version) {
        try {
            JsonNode value = source.value().isTextual() ? SPECS.readTree(source.value().asText()) : source.value();
            if (value == null || !value.isArray()) throw new IOException("not a JSON array");
            return SPECS.convertValue(value, new TypeReference<List<InterfaceSpec>>() { });
        } catch (IOException | IllegalArgumentException e) {
            Throwable cause = e.getCause() instanceof InvalidSpecException spec ? spec : e;
            throw new CniException(version, CniError.INVALID_CONFIG, "invalid " + source.describe(),
                    cause.getMessage() + "; expected a JSON array of interface specs, e.g. [{\"type\": \"memif\", \"name\": \"data0\", ...}]");
        }
    }
}
