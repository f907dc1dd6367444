package dev.booster.cni;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One CNI plugin invocation: the {@code CNI_*} parameters, the network configuration read from standard input, and
 * the whole environment the plugin got (delegated plugins such as IPAM receive it unchanged, as the spec says).
 * Values are kept as given; {@link BoosterCni} validates them (naming the variable or field) before anything
 * touches the host.
 *
 * @param netns       {@code CNI_NETNS}, empty when not set (DEL may omit it)
 * @param args        {@code CNI_ARGS} split into its {@code KEY=VALUE} pairs
 * @param path        {@code CNI_PATH}, the directories to find delegated plugins in
 * @param config      the network configuration (one plugin's request configuration, as the runtime derived it)
 * @param environment every environment variable of the invocation, {@code CNI_*} included
 */
public record CniRequest(CniCommand command, String containerId, String netns, String ifName, Map<String, String> args,
                         List<Path> path, ObjectNode config, Map<String, String> environment) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public CniRequest {
        Objects.requireNonNull(command, "command");
        containerId = containerId == null ? "" : containerId;
        netns = netns == null ? "" : netns;
        ifName = ifName == null ? "" : ifName;
        args = Map.copyOf(args);
        path = List.copyOf(path);
        Objects.requireNonNull(config, "config");
        environment = Map.copyOf(environment);
    }

    /**
     * The request a runtime makes by running the plugin with {@code environment} and {@code stdin}.
     *
     * @throws CniException code 6 when stdin is not a JSON object, code 4 when CNI_COMMAND or CNI_ARGS is malformed
     */
    public static CniRequest fromEnvironment(Map<String, String> environment, byte[] stdin) {
        ObjectNode config = parseConfig(stdin);
        String version = config.path("cniVersion").asText("");
        try {
            CniCommand command = CniCommand.parse(environment.get("CNI_COMMAND"));
            return new CniRequest(command, environment.get("CNI_CONTAINERID"), environment.get("CNI_NETNS"),
                    environment.get("CNI_IFNAME"), parseArgs(environment.getOrDefault("CNI_ARGS", "")),
                    parsePath(environment.getOrDefault("CNI_PATH", "")), config, environment);
        } catch (CniException e) {
            throw new CniException(e.error().withVersion(version));
        }
    }

    /** The configuration's {@code cniVersion} text, empty when absent (errors echo it). */
    public String cniVersionText() {
        return config.path("cniVersion").asText("");
    }

    /** The request's environment with {@code CNI_COMMAND} replaced: what a delegated plugin gets for {@code command}. */
    public Map<String, String> environmentFor(CniCommand command) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put("CNI_COMMAND", command.name());
        return env;
    }

    static ObjectNode parseConfig(byte[] stdin) {
        String text = new String(stdin, StandardCharsets.UTF_8);
        if (text.isBlank()) return JsonNodeFactory.instance.objectNode();
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new CniException(CniError.DECODE_FAILURE, "the network configuration on stdin is not valid JSON",
                    e.getOriginalMessage() + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        }
        if (node == null || !node.isObject()) {
            throw new CniException(CniError.DECODE_FAILURE, "the network configuration on stdin is not a JSON object",
                    "expected {\"cniVersion\": ..., \"name\": ..., \"type\": ...}");
        }
        return (ObjectNode) node;
    }

    /** {@code FOO=BAR;ABC=123}, as libcni writes it; an empty string is no arguments. */
    static Map<String, String> parseArgs(String text) {
        Map<String, String> args = new LinkedHashMap<>();
        if (text.isEmpty()) return args;
        for (String pair : text.split(";", -1)) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new CniException(CniError.INVALID_ENVIRONMENT, "CNI_ARGS is malformed: \"" + pair + "\" is not KEY=VALUE",
                        "CNI_ARGS holds KEY=VALUE pairs separated by ';', e.g. K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-0");
            }
            args.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return args;
    }

    static List<Path> parsePath(String text) {
        List<Path> dirs = new ArrayList<>();
        for (String dir : text.split(":")) {
            if (!dir.isEmpty()) dirs.add(Path.of(dir));
        }
        return dirs;
    }
}
