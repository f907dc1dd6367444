package dev.booster.cni;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.NotEmpty;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CniWireTest {
    @Property(tries = 300)
    void requestsDecodeAsEncoded(@ForAll Map<@AlphaChars @NotEmpty @StringLength(max = 20) String,
                                         @CharRange(from = 1, to = 0x7e) String> env, @ForAll byte[] stdin) throws IOException {
        CniWire.Request back = CniWire.decodeRequest(CniWire.encodeRequest(env, stdin));
        assertEquals(env, back.environment());
        assertArrayEquals(stdin, back.stdin());
    }

    @Property(tries = 100)
    void repliesDecodeAsEncoded(@ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 255) int code, @ForAll String stdout) throws IOException {
        CniWire.Reply back = CniWire.decodeReply(CniWire.encodeReply(code, stdout));
        assertEquals(code, back.exitCode());
        assertEquals(new String(stdout.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8), back.stdout());
    }

    @Test
    void whatIsNotARequestIsRefusedWithAReason() {
        assertEquals("not a booster-cni request: it does not start with BCNI1 NUL",
                assertThrows(IOException.class, () -> CniWire.decodeRequest("GET / HTTP/1.0\r\n".getBytes(StandardCharsets.US_ASCII))).getMessage());
        assertThrows(IOException.class, () -> CniWire.decodeRequest("BCNI1\0A=1\0".getBytes(StandardCharsets.US_ASCII)));
        assertThrows(IOException.class, () -> CniWire.decodeReply("{}".getBytes(StandardCharsets.US_ASCII)));
    }
}
