package dev.booster.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The IPAM plugin named by {@code ipam.type}, delegated to as SPEC.md section 4 says. When the plugin does not speak
 * the request's version (Debian 12's host-local stops at 1.0.0), the configuration is handed over in the highest
 * version both speak, and the answer read back: the result shapes of 1.0.0 and 1.1.0 differ only in optional
 * attributes. STATUS and GC are forwarded only to a plugin that speaks 1.1.0, as older ones have no such command.
 */
final class Ipam {
    private final DelegatedPlugins plugins;

    Ipam(DelegatedPlugins plugins) {
        this.plugins = plugins;
    }

    /** IPAM ADD: the addresses, routes and DNS the plugin allocated. */
    CniResult add(CniRequest request, NetworkConfig config) {
        DelegatedPlugins.Invocation done = invoke(request.environmentFor(CniCommand.ADD), request.path(), config, config.json());
        JsonNode json = DelegatedPlugins.json(done).orElseThrow(() -> new CniException(config.version().toString(), CniError.DELEGATE_FAILED,
                "IPAM plugin " + done.binary() + " printed no JSON result", done.stdout()));
        try {
            return CniResult.parse(json, config.version(), "the IPAM plugin's result");
        } catch (CniException e) {
            throw new CniException(e.error().withVersion(config.version().toString()));
        }
    }

    /** IPAM DEL, CHECK, STATUS or GC with {@code env} and {@code stdin}; throws the plugin's error. */
    void run(CniCommand command, Map<String, String> env, List<Path> cniPath, NetworkConfig config, ObjectNode stdin) {
        Map<String, String> withCommand = new java.util.LinkedHashMap<>(env);
        withCommand.put("CNI_COMMAND", command.name());
        invoke(withCommand, cniPath, config, stdin);
    }

    private DelegatedPlugins.Invocation invoke(Map<String, String> env, List<Path> cniPath, NetworkConfig config, ObjectNode stdin) {
        String version = config.version().toString();
        String type = config.ipamType().orElseThrow();
        Path binary = plugins.find(type, cniPath, "ipam.type", version);
        CniCommand command = CniCommand.valueOf(env.get("CNI_COMMAND"));
        String delegateVersion = negotiate(binary, env, version, type);
        if (!CniVersion.parse(delegateVersion).supports(command)) return new DelegatedPlugins.Invocation(binary, 0, "", "");
        ObjectNode input = stdin.deepCopy();
        input.put("cniVersion", delegateVersion);
        DelegatedPlugins.Invocation done = plugins.run(binary, env, input.toString().getBytes(StandardCharsets.UTF_8), version);
        if (done.exitCode() != 0) throw new CniException(DelegatedPlugins.errorOf(done, version, "IPAM plugin " + type + " " + command));
        return done;
    }

    /** The request's version if the plugin speaks it, else the highest version below it that both speak. */
    private String negotiate(Path binary, Map<String, String> env, String version, String type) {
        List<String> supported = plugins.supportedVersions(binary, env, version);
        if (supported.contains(version)) return version;
        List<String> ours = CniVersion.supported();
        for (int i = ours.indexOf(version) - 1; i >= 0; i--) {
            if (supported.contains(ours.get(i))) return ours.get(i);
        }
        throw new CniException(version, CniError.INCOMPATIBLE_VERSION, "IPAM plugin " + type + " (" + binary + ") speaks " + supported
                + ", none of which booster-cni can use for cniVersion " + version, "upgrade the IPAM plugin or lower cniVersion");
    }
}
