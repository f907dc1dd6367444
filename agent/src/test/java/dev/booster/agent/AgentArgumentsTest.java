package dev.booster.agent;

import dev.booster.cni.CniServer;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class AgentArgumentsTest {

    @Test
    void defaultsNeedOnlyTheNodeName() {
        AgentArguments a = AgentArguments.parse(new String[0], Map.of("NODE_NAME", "node-1"));
        assertEquals("node-1", a.config().nodeName());
        assertEquals("node-1", a.config().dataplane().nodeName());
        assertEquals(Optional.empty(), a.config().dataplane().provider());
        assertEquals(AgentConfig.DEFAULT_STATE_DIR, a.config().stateDir());
        assertEquals(CniServer.DEFAULT_SOCKET, a.config().cniSocket());
        assertEquals(AgentConfig.DEFAULT_HEALTH_PORT, a.config().healthAddress().getPort());
        assertEquals(Optional.empty(), a.kubeconfig());
        assertEquals(Optional.empty(), a.config().cniConfig(), "the CNI configuration is written only when asked");
    }

    @Test
    void theCniConfigurationTemplateAndFileComeTogether() {
        AgentArguments a = AgentArguments.parse(new String[]{"--cni-conf-file", "/host/etc/cni/net.d/10-booster.conflist"},
                Map.of("NODE_NAME", "n", "BOOSTER_CNI_CONF_TEMPLATE", "/opt/booster/10-booster.conflist"));
        assertEquals(Optional.of(new AgentConfig.CniConfig(Path.of("/opt/booster/10-booster.conflist"), Path.of("/host/etc/cni/net.d/10-booster.conflist"))),
                a.config().cniConfig());
    }

    @Test
    void flagsWinOverTheEnvironment() {
        Map<String, String> env = Map.of("NODE_NAME", "from-env", "BOOSTER_PROVIDER", "memory", "BOOSTER_OPTIONS", "afxdp.frames=2048, afxdp.idle=spin",
                "BOOSTER_STATE_DIR", "/env/state", "KUBECONFIG", "/env/kubeconfig", "BOOSTER_RESYNC_SECONDS", "30");
        AgentArguments a = AgentArguments.parse(new String[]{"--node-name", "from-flag", "--provider", "afxdp", "--option", "afxdp.idle=poll",
                "--cni-socket", "/run/x.sock", "--health-address", "127.0.0.1:0", "--kubeconfig", "/flag/kubeconfig"}, env);

        assertEquals("from-flag", a.config().nodeName());
        assertEquals(Optional.of("afxdp"), a.config().dataplane().provider());
        assertEquals(Map.of("afxdp.frames", "2048", "afxdp.idle", "poll"), a.config().dataplane().options());
        assertEquals(Path.of("/env/state"), a.config().stateDir());
        assertEquals(Path.of("/run/x.sock"), a.config().cniSocket());
        assertEquals(new InetSocketAddress("127.0.0.1", 0), a.config().healthAddress());
        assertEquals(Duration.ofSeconds(30), a.config().resync());
        assertEquals(Optional.of(Path.of("/flag/kubeconfig")), a.kubeconfig());
    }

    @Test
    void mistakesNameTheFlagOrVariableAndTheFix() {
        assertTrue(message(new String[0], Map.of()).contains("NODE_NAME"));
        assertTrue(message(new String[]{"--node-name"}, Map.of()).contains("--node-name needs a value"));
        assertTrue(message(new String[]{"--nodename", "x"}, Map.of()).contains("unknown argument --nodename"));
        assertTrue(message(new String[]{"--option", "afxdp.frames"}, Map.of("NODE_NAME", "n")).contains("KEY=VALUE"));
        assertTrue(message(new String[]{"--health-address", "9440"}, Map.of("NODE_NAME", "n")).contains("HOST:PORT"));
        assertTrue(message(new String[]{"--resync-seconds", "-1"}, Map.of("NODE_NAME", "n")).contains("seconds"));
        assertTrue(message(new String[]{"--help"}, Map.of()).startsWith("usage: booster agent"));
        assertTrue(message(new String[]{"--cni-conf-file", "/etc/cni/net.d/10-booster.conflist"}, Map.of("NODE_NAME", "n")).contains("go together"));
    }

    private static String message(String[] args, Map<String, String> env) {
        return assertThrows(IllegalArgumentException.class, () -> AgentArguments.parse(args, env)).getMessage();
    }
}
