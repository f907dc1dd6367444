package dev.booster.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.booster.cni.testing.PluginProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The launcher (shell) and the Java client against the server: what goes in arrives whole, what comes back is printed as is. */
class CniServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private record Seen(Map<String, String> env, byte[] stdin) {
    }

    private Map<String, String> env(String command, Path socket) {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", "c1");
        env.put("CNI_NETNS", "/var/run/netns/x");
        env.put("CNI_IFNAME", "eth0");
        env.put("CNI_PATH", "/usr/lib/cni");
        env.put("CNI_ARGS", "K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-0;IgnoreUnknown=1");
        env.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("ODD", "spaces and 'quotes' and = signs; $dollar");
        env.put("BOOSTER_CNI_SOCKET", socket.toString());
        return env;
    }

    @Test
    void theLauncherForwardsEnvironmentAndStdinAndPrintsTheReplyWithItsExitCode() throws IOException {
        AtomicReference<Seen> seen = new AtomicReference<>();
        Path socket = dir.resolve("cni.sock");
        String config = "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"booster-cni\",\"text\":\"ünïcödé\\n\"}\n";
        try (CniServer server = CniServer.start(socket, (env, stdin) -> {
            seen.set(new Seen(env, stdin));
            return new CniError("1.0.0", 7, "no", "reason");
        })) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(server.socket())));
            Map<String, String> env = env("ADD", socket);
            PluginProcess.Outcome out = PluginProcess.run(PluginProcess.LAUNCHER, env, config);
            assertEquals(1, out.exitCode(), out::stderr);
            assertEquals("{\"cniVersion\":\"1.0.0\",\"code\":7,\"msg\":\"no\",\"details\":\"reason\"}", out.stdout());
            for (var e : env.entrySet()) assertEquals(e.getValue(), seen.get().env().get(e.getKey()), e.getKey());
            assertEquals(config, new String(seen.get().stdin(), StandardCharsets.UTF_8), "stdin arrives byte for byte");
        }
        assertFalse(Files.exists(socket), "closing removes the socket file");
    }

    @Test
    void aSuccessIsExitCodeZeroWithTheResultOnStdout() {
        Path socket = dir.resolve("cni.sock");
        try (CniServer server = CniServer.start(socket, (env, stdin) -> new CniVersionInfo("1.1.0", CniVersion.supported()))) {
            PluginProcess.Outcome out = PluginProcess.run(PluginProcess.LAUNCHER, env("VERSION", socket), "{\"cniVersion\":\"1.1.0\"}");
            assertEquals(0, out.exitCode());
            assertEquals("{\"cniVersion\":\"1.1.0\",\"supportedVersions\":[\"0.4.0\",\"1.0.0\",\"1.1.0\"]}", out.stdout());
        }
    }

    @Test
    void withoutTheAgentTheLauncherSaysTryAgainLater() throws IOException {
        Path socket = dir.resolve("absent.sock");
        for (Path plugin : List.of(PluginProcess.LAUNCHER)) {
            PluginProcess.Outcome add = PluginProcess.run(plugin, env("ADD", socket), "{\"cniVersion\":\"0.4.0\",\"name\":\"n\"}");
            assertEquals(1, add.exitCode());
            JsonNode error = JSON.readTree(add.stdout());
            assertEquals(CniError.TRY_AGAIN_LATER, error.path("code").asInt());
            assertEquals("0.4.0", error.path("cniVersion").asText());
            assertTrue(error.path("msg").asText().contains("the Booster agent is not running") && error.path("msg").asText().contains(socket.toString()), add.stdout());
            assertEquals(CniError.NOT_AVAILABLE, JSON.readTree(PluginProcess.run(plugin, env("STATUS", socket), "{\"cniVersion\":\"1.1.0\"}").stdout()).path("code").asInt());
            PluginProcess.Outcome version = PluginProcess.run(plugin, env("VERSION", socket), "{\"cniVersion\":\"1.0.0\"}");
            assertEquals(0, version.exitCode());
            assertEquals("1.0.0", JSON.readTree(version.stdout()).path("cniVersion").asText(), "VERSION needs no agent");
        }
    }

    @Test
    void aSocketFileWithNobodyBehindItAlsoMeansTryAgainLater() throws IOException {
        Path socket = dir.resolve("dead.sock");
        SocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket)).close();
        assertTrue(Files.exists(socket));
        PluginProcess.Outcome add = PluginProcess.run(PluginProcess.LAUNCHER, env("ADD", socket), "{\"cniVersion\":\"1.0.0\"}");
        assertEquals(CniError.TRY_AGAIN_LATER, JSON.readTree(add.stdout()).path("code").asInt(), add.stdout());
        try (CniServer server = CniServer.start(socket, (env, stdin) -> new CniNoOutput(CniCommand.DEL))) {
            assertEquals(0, PluginProcess.run(PluginProcess.LAUNCHER, env("DEL", socket), "{}").exitCode(), "a dead server's socket file is replaced");
        }
    }

    @Test
    void aSecondServerOnALiveSocketIsRefused() {
        Path socket = dir.resolve("cni.sock");
        try (CniServer first = CniServer.start(socket, (env, stdin) -> new CniNoOutput(CniCommand.DEL))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> CniServer.start(socket, (env, stdin) -> null));
            assertTrue(e.getMessage().contains("served by another process"), e.getMessage());
        }
    }

    @Test
    void theJavaClientSpeaksTheSameProtocol() throws IOException {
        Path socket = dir.resolve("cni.sock");
        byte[] big = new byte[300_000];
        java.util.Arrays.fill(big, (byte) 'x');
        AtomicReference<Seen> seen = new AtomicReference<>();
        try (CniServer server = CniServer.start(socket, (env, stdin) -> {
            seen.set(new Seen(env, stdin));
            return new CniError("1.0.0", 11, "later", "");
        })) {
            CniWire.Reply reply = CniClient.call(socket, Map.of("CNI_COMMAND", "ADD"), big);
            assertEquals(1, reply.exitCode());
            assertEquals("{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"later\"}", reply.stdout());
            assertArrayEquals(big, seen.get().stdin());
        }
        assertEquals(CniError.TRY_AGAIN_LATER, JSON.readTree(CniClient.unavailable("ADD", "{\"cniVersion\": \"1.0.0\"}".getBytes(StandardCharsets.UTF_8),
                socket, "Connection refused").stdout()).path("code").asInt());
    }

    @Test
    void aRequestInAnotherProtocolIsAnswered() throws IOException {
        Path socket = dir.resolve("cni.sock");
        try (CniServer server = CniServer.start(socket, (env, stdin) -> new CniNoOutput(CniCommand.DEL));
             SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            c.write(ByteBuffer.wrap("hello\n".getBytes(StandardCharsets.US_ASCII)));
            c.shutdownOutput();
            CniWire.Reply reply = CniWire.decodeReply(Channels.newInputStream(c).readAllBytes());
            assertEquals(1, reply.exitCode());
            assertEquals(CniError.IO_FAILURE, JSON.readTree(reply.stdout()).path("code").asInt());
        }
    }
}
