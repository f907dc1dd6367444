package dev.booster.examples;

import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Veth;
import dev.booster.engine.frame.ParsedFrame;
import dev.booster.spi.Availability;
import dev.booster.spi.DataplaneProvider;
import dev.booster.spi.Dataplanes;
import dev.booster.testkit.MemoryPod;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The memif UDP echo as it is deployed: the same {@link MemifUdpEcho#start} on the {@code memory} provider, where a
 * memory pod sends it hand-made frames, and on {@code afxdp}, where the client pod is a real network namespace and
 * the client is {@code nc -u}.
 */
class MemifUdpEchoTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private static String socket(String tag) {
        return "@booster-example-" + tag + "-" + ProcessHandle.current().pid();
    }

    @Test
    void echoesUdpFromAnotherPodOnTheMemoryProvider() {
        try (Dataplane dp = Dataplanes.open(DataplaneConfig.builder().provider("memory").build());
             MemifUdpEcho echo = MemifUdpEcho.start(dp, socket("memory"))) {
            assertTrue(echo.awaitConnected(WAIT));
            MemoryPod client = MemoryPod.of(dp.pods().attach(PodSpec.builder("edge", "client").netns("/var/run/netns/client")
                    .addInterface(Veth.of("eth0", InterfaceAddress.parse("10.90.0.1/32"), InterfaceAddress.parse("fd90::1/128"))).build()));

            byte[] datagram = client.frameTo(MemifUdpEcho.ADDRESS.address()).udp(40000, MemifUdpEcho.PORT, 200).build();
            client.send(datagram);
            byte[] replyBytes = await(client);
            ParsedFrame reply = ParsedFrame.parse(replyBytes);
            assertEquals(Optional.of(MemifUdpEcho.ADDRESS.address()), reply.src());
            assertEquals(MemifUdpEcho.PORT, reply.srcPort());
            assertEquals(40000, reply.dstPort());
            assertArrayEquals(Arrays.copyOfRange(datagram, reply.payloadOffset(), datagram.length),
                    Arrays.copyOfRange(replyBytes, reply.payloadOffset(), replyBytes.length), "payload intact");

            client.send(client.frameTo(MemifUdpEcho.ADDRESS6.address()).udp(40001, MemifUdpEcho.PORT, 64).build());
            ParsedFrame reply6 = ParsedFrame.parse(await(client));
            assertEquals(Optional.of(MemifUdpEcho.ADDRESS6.address()), reply6.src(), "IPv6 too");

            client.send(client.frameTo(MemifUdpEcho.ADDRESS.address()).udp(40002, 53, 16).build());
            assertTrue(waitUntil(() -> echo.ignored() == 1), "another port is not answered");
            assertTrue(client.receive().isEmpty());
            assertEquals(2, echo.echoed());
        }
    }

    private static byte[] await(MemoryPod pod) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<byte[]> frame = pod.receive();
            if (frame.isPresent()) return frame.get();
            Thread.onSpinWait();
        }
        throw new AssertionError("no echo arrived");
    }

    @Test
    @Tag("privileged")
    void echoesNcFromAPodInARealNamespaceOnTheAfXdpProvider() throws Exception {
        assumeAfXdp();
        String netns = "booster-example-" + ProcessHandle.current().pid();
        run("ip", "netns", "add", netns);
        try (Dataplane dp = Dataplanes.open(DataplaneConfig.builder().provider("afxdp").build());
             MemifUdpEcho echo = MemifUdpEcho.start(dp, socket("afxdp"))) {
            assertTrue(echo.awaitConnected(WAIT));
            PodAttachment client = dp.pods().attach(PodSpec.builder("edge", "client").uid("example-client-" + ProcessHandle.current().pid())
                    .labels(Map.of("app", "client")).netns(Path.of("/var/run/netns", netns))
                    .addInterface(Veth.of("eth0", InterfaceAddress.parse("10.90.0.1/32"))).build());
            String out = run("ip", "netns", "exec", netns, "sh", "-c",
                    "echo hello-upf | nc -u -w 2 " + MemifUdpEcho.ADDRESS.address() + " " + MemifUdpEcho.PORT);
            assertEquals("hello-upf", out.trim(), "nc got its datagram back");
            assertTrue(echo.echoed() >= 1);
            client.detach();
        } finally {
            run("ip", "netns", "delete", netns);
        }
    }

    private static void assumeAfXdp() {
        Optional<DataplaneProvider> afxdp = Dataplanes.provider("afxdp");
        Availability availability = afxdp.map(Dataplanes::probe).orElse(Availability.unavailable("provider afxdp is not on the class path"));
        if (!availability.isAvailable()) {
            System.out.println("SKIPPED privileged example test: " + availability);
            Assumptions.abort(availability.toString());
        }
        if (!onPath("nc")) Assumptions.abort("`nc` is not installed (apt-get install netcat-openbsd)");
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        process.getOutputStream().close();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish");
        }
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static boolean waitUntil(BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return true;
            Thread.onSpinWait();
        }
        return false;
    }
}
