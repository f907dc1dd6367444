package dev.booster.cni;

import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * The client side of {@link CniWire} in Java: {@link #call} for tests and embedders, and {@link #main} as a plugin
 * binary (the JVM launcher option; the shell launcher {@code booster-cni} is the one installed, see the README for
 * the numbers). Deliberately free of Jackson and of the rest of Booster, so a JVM starting it loads little.
 */
public final class CniClient {
    private CniClient() {
    }

    /** Sends one request to the server on {@code socket} and returns its reply. */
    public static CniWire.Reply call(Path socket, Map<String, String> environment, byte[] stdin) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer request = ByteBuffer.wrap(CniWire.encodeRequest(environment, stdin));
            while (request.hasRemaining()) channel.write(request);
            channel.shutdownOutput();
            return CniWire.decodeReply(java.nio.channels.Channels.newInputStream(channel).readAllBytes());
        }
    }

    /** The plugin: environment and stdin to the server, its stdout and exit code back; code 11 (50 for STATUS) when no server answers. */
    public static void main(String[] args) throws IOException {
        Map<String, String> env = System.getenv();
        byte[] stdin = System.in.readAllBytes();
        Path socket = Path.of(env.getOrDefault("BOOSTER_CNI_SOCKET", CniWire.DEFAULT_SOCKET));
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);
        CniWire.Reply reply;
        try {
            reply = call(socket, env, stdin);
        } catch (IOException e) {
            reply = unavailable(env.getOrDefault("CNI_COMMAND", ""), stdin, socket, e.getMessage());
        }
        out.print(reply.stdout());
        out.flush();
        System.exit(reply.exitCode());
    }

    /** What the plugin answers without a server: VERSION is answered here, anything else is "try again later". */
    static CniWire.Reply unavailable(String command, byte[] stdin, Path socket, String why) {
        String asked = cniVersionOf(new String(stdin, StandardCharsets.UTF_8));
        String version = asked.isEmpty() ? "1.1.0" : asked;
        if (command.equals("VERSION")) {
            return new CniWire.Reply(0, "{\"cniVersion\":\"" + version + "\",\"supportedVersions\":[\"0.4.0\",\"1.0.0\",\"1.1.0\"]}");
        }
        int code = command.equals("STATUS") ? CniError.NOT_AVAILABLE : CniError.TRY_AGAIN_LATER;
        return new CniWire.Reply(1, "{\"cniVersion\":\"" + version + "\",\"code\":" + code + ",\"msg\":\"the Booster agent is not running: no CNI server on "
                + socket + "\",\"details\":\"" + (why == null ? "" : why.replace("\\", "\\\\").replace("\"", "\\\"")) + "; start the agent (or check BOOSTER_CNI_SOCKET) and retry\"}");
    }

    /** The cniVersion of a config without a JSON parser: the plugin must stay light. */
    static String cniVersionOf(String config) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"cniVersion\"\\s*:\\s*\"([0-9A-Za-z.\\-]*)\"").matcher(config);
        return m.find() ? m.group(1) : "";
    }
}
