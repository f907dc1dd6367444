package dev.booster.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example in deploy/ is what Booster accepts: each plugin config, derived as a runtime derives it, parses. */
class DeployConflistTest {
    private static final Path CONFLIST = Path.of("../deploy/10-booster.conflist");

    @Test
    void theDeployedConflistParsesForEveryCommand() throws IOException {
        JsonNode list = new ObjectMapper().readTree(CONFLIST.toFile());
        JsonNode booster = list.path("plugins").get(0);
        assertEquals("booster-cni", booster.path("type").asText());
        ObjectNode derived = booster.deepCopy();
        derived.put("cniVersion", list.path("cniVersion").asText());
        derived.put("name", list.path("name").asText());
        for (CniCommand command : new CniCommand[] {CniCommand.ADD, CniCommand.DEL, CniCommand.CHECK}) {
            NetworkConfig config = NetworkConfig.parse(derived, command);
            assertEquals("host-local", config.ipamType().orElseThrow());
            assertTrue(config.dns().nameservers().contains("10.96.0.10"));
        }
    }
}
