package dev.booster.cni;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The plugin-to-server protocol, one request per connection, simple enough for a POSIX shell with coreutils and
 * {@code nc -U -N} to speak:
 * <pre>
 * request  = "BCNI1" NUL, then each environment variable as NAME=VALUE NUL (what {@code env -0} prints), then NUL,
 *            then the plugin's stdin up to end of stream (the client half-closes the socket)
 * response = the exit code in decimal, LF, then the plugin's stdout up to end of stream (the server closes)
 * </pre>
 * No variable can hold NUL, so NUL separates unambiguously, and the empty entry ends the environment.
 */
public final class CniWire {
    public static final String MAGIC = "BCNI1";
    /** Where plugin and server meet unless {@code BOOSTER_CNI_SOCKET} says otherwise (also in the shell launcher). */
    public static final String DEFAULT_SOCKET = "/run/booster/cni.sock";
    /** Requests larger than this are refused: a network configuration is a few kilobytes. */
    public static final int MAX_REQUEST = 4 << 20;

    private CniWire() {
    }

    /** A decoded request. */
    public record Request(Map<String, String> environment, byte[] stdin) {
    }

    /** A decoded response. */
    public record Reply(int exitCode, String stdout) {
    }

    public static byte[] encodeRequest(Map<String, String> environment, byte[] stdin) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024 + stdin.length);
        out.writeBytes(MAGIC.getBytes(StandardCharsets.US_ASCII));
        out.write(0);
        environment.forEach((k, v) -> {
            out.writeBytes((k + "=" + v).getBytes(StandardCharsets.UTF_8));
            out.write(0);
        });
        out.write(0);
        out.writeBytes(stdin);
        return out.toByteArray();
    }

    /** @throws IOException the bytes are not a request of this protocol; the message says where it went wrong */
    public static Request decodeRequest(byte[] bytes) throws IOException {
        int magicEnd = indexOf(bytes, 0);
        if (magicEnd < 0 || !MAGIC.equals(new String(bytes, 0, magicEnd, StandardCharsets.US_ASCII))) {
            throw new IOException("not a booster-cni request: it does not start with " + MAGIC + " NUL");
        }
        Map<String, String> env = new LinkedHashMap<>();
        int at = magicEnd + 1;
        while (true) {
            int end = indexOf(bytes, at, 0);
            if (end < 0) throw new IOException("the environment is not terminated by an empty entry (NUL NUL)");
            if (end == at) {
                at++;
                break;
            }
            String entry = new String(bytes, at, end - at, StandardCharsets.UTF_8);
            int eq = entry.indexOf('=');
            if (eq > 0) env.put(entry.substring(0, eq), entry.substring(eq + 1));
            at = end + 1;
        }
        return new Request(env, Arrays.copyOfRange(bytes, at, bytes.length));
    }

    public static byte[] encodeReply(int exitCode, String stdout) {
        return (exitCode + "\n" + stdout).getBytes(StandardCharsets.UTF_8);
    }

    public static Reply decodeReply(byte[] bytes) throws IOException {
        int lf = indexOf(bytes, '\n');
        if (lf <= 0) throw new IOException("the server's reply has no exit code line");
        try {
            int code = Integer.parseInt(new String(bytes, 0, lf, StandardCharsets.US_ASCII));
            return new Reply(code, new String(bytes, lf + 1, bytes.length - lf - 1, StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            throw new IOException("the server's reply does not start with an exit code");
        }
    }

    private static int indexOf(byte[] bytes, int value) {
        return indexOf(bytes, 0, value);
    }

    private static int indexOf(byte[] bytes, int from, int value) {
        for (int i = from; i < bytes.length; i++) if (bytes[i] == value) return i;
        return -1;
    }
}
