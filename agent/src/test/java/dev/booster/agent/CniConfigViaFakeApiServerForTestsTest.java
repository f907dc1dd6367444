package dev.booster.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.booster.agent.testing.Eventually;
import dev.booster.agent.testing.MemoryAgentFixture;
import dev.booster.api.net.IpPrefix;
import dev.booster.spi.Dataplanes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.booster.agent.testing.KubeObjects.node;
import static org.junit.jupiter.api.Assertions.*;

/** The node's CNI configuration, written from deploy/10-booster.conflist once the Node's pod CIDRs are known. */
class CniConfigViaFakeApiServerForTestsTest {
    static final Path TEMPLATE = Path.of("../deploy/10-booster.conflist");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theTemplatesRangesAndRoutesBecomeThePodCidrsAndTheRestStays() throws IOException {
        JsonNode template = JSON.readTree(Files.readString(TEMPLATE));
        JsonNode out = JSON.readTree(CniConfigFile.render(Files.readString(TEMPLATE),
                List.of(IpPrefix.parse("10.244.7.0/24"), IpPrefix.parse("fd00:7::/64"))));

        JsonNode ipam = out.path("plugins").path(0).path("ipam");
        assertEquals(JSON.readTree("[[{\"subnet\":\"10.244.7.0/24\"}],[{\"subnet\":\"fd00:7::/64\"}]]"), ipam.path("ranges"));
        assertEquals(JSON.readTree("[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"::/0\"}]"), ipam.path("routes"));
        assertEquals(template.path("plugins").path(0).path("dns"), out.path("plugins").path(0).path("dns"), "the rest of the template stays");
        assertEquals(template.path("name"), out.path("name"));
        assertEquals(template.path("plugins").path(0).path("ipam").path("dataDir"), ipam.path("dataDir"));
    }

    @Test
    void theAgentWritesItWhenItsNodeHasPodCidrsAndAgainWhenTheyChange() throws IOException {
        Path conf = dir.resolve("net.d").resolve("10-booster.conflist");
        try (MemoryAgentFixture f = new MemoryAgentFixture(Dataplanes::open, b -> b.cniConfig(TEMPLATE, conf))) {
            f.api.apply(node("other-node", "192.168.1.2", "10.244.2.0/24"));
            f.awaitReady();
            Eventually.await(() -> f.agent.reconcilePasses() > 0, () -> "no pass");
            assertFalse(Files.exists(conf), "no configuration before this node's pod CIDRs are known");

            f.api.apply(node(MemoryAgentFixture.NODE, "192.168.1.1", "10.244.1.0/24"));
            Eventually.await(() -> Files.exists(conf), () -> "not written");
            assertTrue(Files.readString(conf).contains("\"subnet\" : \"10.244.1.0/24\""), Files.readString(conf));

            f.api.apply(node(MemoryAgentFixture.NODE, "192.168.1.1", "10.244.9.0/24"));
            Eventually.await(() -> read(conf).contains("10.244.9.0/24"), () -> read(conf));
            try (var files = Files.list(conf.getParent())) {
                assertEquals(List.of(conf), files.toList(), "no temporary file is left where the runtime looks");
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }
}
