package dev.booster.cni.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Executes a network configuration list the way SPEC.md section 3 tells a runtime to (what libcni does): for each
 * plugin in order (reverse order for DEL) it looks the {@code type} up in CNI_PATH, derives the request configuration
 * (inserting {@code cniVersion}, {@code name}, {@code prevResult} and {@code runtimeConfig}), runs the binary with
 * the CNI_* environment, and feeds each result to the next plugin; it caches the ADD result for CHECK and DEL.
 */
public final class CniRuntime {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path cniPath;
    private final Map<String, String> baseEnv;
    private final Map<String, String> cachedResults = new HashMap<>();

    public CniRuntime(Path cniPath, Map<String, String> baseEnv) {
        this.cniPath = cniPath;
        this.baseEnv = Map.copyOf(baseEnv);
    }

    /** The attachment's parameters. */
    public record Attachment(String containerId, String netns, String ifName, String cniArgs) {
    }

    /** What the chain answered: the last plugin's outcome and which plugin it was. */
    public record ChainOutcome(PluginProcess.Outcome last, String plugin, List<PluginProcess.Outcome> all) {
        public int exitCode() {
            return last.exitCode();
        }

        public String stdout() {
            return last.stdout();
        }
    }

    public ChainOutcome add(String conflist, Attachment a) {
        return run("ADD", conflist, a);
    }

    public ChainOutcome check(String conflist, Attachment a) {
        return run("CHECK", conflist, a);
    }

    public ChainOutcome del(String conflist, Attachment a) {
        return run("DEL", conflist, a);
    }

    /** A command without attachment (STATUS, GC), each plugin in order, with {@code extra} keys in each config. */
    public ChainOutcome network(String command, String conflist, Map<String, JsonNode> extra) {
        ObjectNode list = parse(conflist);
        List<PluginProcess.Outcome> all = new ArrayList<>();
        PluginProcess.Outcome last = null;
        String plugin = "";
        for (JsonNode p : list.path("plugins")) {
            ObjectNode config = derive(list, p);
            extra.forEach(config::set);
            Map<String, String> env = new HashMap<>(baseEnv);
            env.put("CNI_COMMAND", command);
            env.put("CNI_PATH", cniPath.toString());
            plugin = p.path("type").asText();
            last = PluginProcess.run(cniPath.resolve(plugin), env, config.toString());
            all.add(last);
            if (last.exitCode() != 0) break;
        }
        return new ChainOutcome(last, plugin, all);
    }

    private ChainOutcome run(String command, String conflist, Attachment a) {
        ObjectNode list = parse(conflist);
        List<JsonNode> plugins = new ArrayList<>();
        list.path("plugins").forEach(plugins::add);
        if (command.equals("DEL")) plugins = plugins.reversed();
        String key = list.path("name").asText() + "/" + a.containerId() + "/" + a.ifName();
        String prevResult = command.equals("ADD") ? null : cachedResults.get(key);
        List<PluginProcess.Outcome> all = new ArrayList<>();
        PluginProcess.Outcome last = null;
        String plugin = "";
        for (JsonNode p : plugins) {
            ObjectNode config = derive(list, p);
            if (prevResult != null) config.set("prevResult", parse(prevResult));
            Map<String, String> env = new HashMap<>(baseEnv);
            env.put("CNI_COMMAND", command);
            env.put("CNI_CONTAINERID", a.containerId());
            if (a.netns() != null) env.put("CNI_NETNS", a.netns());
            env.put("CNI_IFNAME", a.ifName());
            if (a.cniArgs() != null) env.put("CNI_ARGS", a.cniArgs());
            env.put("CNI_PATH", cniPath.toString());
            plugin = p.path("type").asText();
            last = PluginProcess.run(cniPath.resolve(plugin), env, config.toString());
            all.add(last);
            if (last.exitCode() != 0) {
                // libcni goes on with DEL past errors only in the sense of returning the first; stopping is enough here.
                return new ChainOutcome(last, plugin, all);
            }
            if (command.equals("ADD")) prevResult = last.stdout();
        }
        if (command.equals("ADD")) cachedResults.put(key, prevResult);
        if (command.equals("DEL")) cachedResults.remove(key);
        return new ChainOutcome(last, plugin, all);
    }

    /** Plugin config plus the runtime's insertions: cniVersion and name from the list. */
    private static ObjectNode derive(ObjectNode list, JsonNode plugin) {
        ObjectNode config = plugin.deepCopy();
        config.put("cniVersion", list.path("cniVersion").asText());
        config.put("name", list.path("name").asText());
        return config;
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
