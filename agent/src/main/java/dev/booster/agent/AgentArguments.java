package dev.booster.agent;

import dev.booster.api.DataplaneConfig;
import dev.booster.cni.CniServer;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's command line and environment; a flag wins over its variable.
 *
 * <pre>
 * --node-name NAME          NODE_NAME               required (a DaemonSet sets it from spec.nodeName)
 * --kubeconfig PATH         KUBECONFIG              else the in-cluster service account
 * --provider NAME           BOOSTER_PROVIDER        default: the best available (afxdp when root with AF_XDP)
 * --option KEY=VALUE        BOOSTER_OPTIONS         backend options; the variable holds KEY=VALUE,KEY=VALUE
 * --state-dir PATH          BOOSTER_STATE_DIR       default /var/lib/booster
 * --cni-socket PATH         BOOSTER_CNI_SOCKET      default /run/booster/cni.sock
 * --health-address H:PORT   BOOSTER_HEALTH_ADDRESS  default 0.0.0.0:9440 (/healthz, /readyz, /metrics)
 * --resync-seconds N        BOOSTER_RESYNC_SECONDS  default 600; 0: no periodic resync
 * --cni-conf-template PATH  BOOSTER_CNI_CONF_TEMPLATE  with --cni-conf-file: write the node's CNI configuration from
 * --cni-conf-file PATH      BOOSTER_CNI_CONF_FILE      this template with the node's pod CIDRs (default: not written)
 * </pre>
 */
record AgentArguments(AgentConfig config, Optional<Path> kubeconfig) {

    static final String USAGE = """
            usage: booster agent [--node-name NAME] [--kubeconfig PATH] [--provider NAME] [--option KEY=VALUE]...
                                 [--state-dir PATH] [--cni-socket PATH] [--health-address HOST:PORT] [--resync-seconds N]
                                 [--cni-conf-template PATH --cni-conf-file PATH]
            environment: NODE_NAME, KUBECONFIG, BOOSTER_PROVIDER, BOOSTER_OPTIONS (KEY=VALUE,...), BOOSTER_STATE_DIR,
                         BOOSTER_CNI_SOCKET, BOOSTER_HEALTH_ADDRESS, BOOSTER_RESYNC_SECONDS, BOOSTER_CNI_CONF_TEMPLATE,
                         BOOSTER_CNI_CONF_FILE; a flag wins over its variable
            """;

    /** @throws IllegalArgumentException naming the flag or variable and what it takes */
    static AgentArguments parse(String[] args, Map<String, String> env) {
        String nodeName = env.get("NODE_NAME");
        String kubeconfig = env.get("KUBECONFIG");
        String provider = env.get("BOOSTER_PROVIDER");
        String stateDir = env.get("BOOSTER_STATE_DIR");
        String socket = env.get("BOOSTER_CNI_SOCKET");
        String healthAddress = env.get("BOOSTER_HEALTH_ADDRESS");
        String resync = env.get("BOOSTER_RESYNC_SECONDS");
        String cniConfTemplate = env.get("BOOSTER_CNI_CONF_TEMPLATE");
        String cniConfFile = env.get("BOOSTER_CNI_CONF_FILE");
        DataplaneConfig.Builder dataplane = DataplaneConfig.builder();
        String options = env.get("BOOSTER_OPTIONS");
        if (options != null && !options.isBlank()) {
            for (String kv : options.split(",")) option(dataplane, "BOOSTER_OPTIONS", kv.strip());
        }
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) throw new IllegalArgumentException(USAGE);
            if (i + 1 >= args.length) throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
            String value = args[++i];
            switch (flag) {
                case "--node-name" -> nodeName = value;
                case "--kubeconfig" -> kubeconfig = value;
                case "--provider" -> provider = value;
                case "--option" -> option(dataplane, "--option", value);
                case "--state-dir" -> stateDir = value;
                case "--cni-socket" -> socket = value;
                case "--health-address" -> healthAddress = value;
                case "--resync-seconds" -> resync = value;
                case "--cni-conf-template" -> cniConfTemplate = value;
                case "--cni-conf-file" -> cniConfFile = value;
                default -> throw new IllegalArgumentException("unknown argument " + flag + "\n" + USAGE);
            }
        }
        if (nodeName == null || nodeName.isBlank()) {
            throw new IllegalArgumentException("the node name is missing: set NODE_NAME (in a DaemonSet, from the downward API's spec.nodeName) or pass --node-name");
        }
        if (provider != null && !provider.isBlank()) dataplane.provider(provider);
        AgentConfig.Builder config = AgentConfig.builder(nodeName).dataplane(dataplane.build())
                .stateDir(stateDir == null ? AgentConfig.DEFAULT_STATE_DIR : Path.of(stateDir))
                .cniSocket(socket == null ? CniServer.DEFAULT_SOCKET : Path.of(socket));
        if (healthAddress != null) config.healthAddress(address(healthAddress));
        if (resync != null) config.resync(Duration.ofSeconds(seconds(resync)));
        boolean template = cniConfTemplate != null && !cniConfTemplate.isBlank();
        boolean file = cniConfFile != null && !cniConfFile.isBlank();
        if (template != file) {
            throw new IllegalArgumentException("--cni-conf-template and --cni-conf-file (BOOSTER_CNI_CONF_TEMPLATE, BOOSTER_CNI_CONF_FILE) go together: "
                    + "the agent writes the file from the template; give both or neither");
        }
        if (template) config.cniConfig(Path.of(cniConfTemplate), Path.of(cniConfFile));
        return new AgentArguments(config.build(), Optional.ofNullable(kubeconfig).filter(k -> !k.isBlank()).map(Path::of));
    }

    private static void option(DataplaneConfig.Builder dataplane, String where, String kv) {
        int eq = kv.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException(where + " takes KEY=VALUE (e.g. afxdp.frames=2048), got \"" + kv + "\"");
        dataplane.option(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
    }

    private static InetSocketAddress address(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) throw new IllegalArgumentException("health address \"" + text + "\" needs HOST:PORT, e.g. 0.0.0.0:9440");
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("health address \"" + text + "\": the port is not a number");
        }
        if (port < 0 || port > 65535) throw new IllegalArgumentException("health address \"" + text + "\": port out of 0..65535");
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    private static long seconds(String text) {
        try {
            long s = Long.parseLong(text.strip());
            if (s >= 0) return s;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("resync seconds \"" + text + "\" is not a whole number of seconds >= 0");
    }
}
