package dev.booster.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.booster.api.DataplaneException;
import dev.booster.api.net.InterfaceAddress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** {@link InterfaceInspector} over {@code nsenter --net=NETNS ip -j addr show dev IFNAME} (argv, no shell). */
final class IpInterfaceInspector implements InterfaceInspector {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Optional<ObservedInterface> inspect(Path netns, String ifName) {
        String out = run("nsenter", "--net=" + netns, "ip", "-j", "addr", "show", "dev", ifName);
        if (out == null) return Optional.empty();
        try {
            JsonNode list = JSON.readTree(out);
            if (list == null || list.isEmpty()) return Optional.empty();
            JsonNode link = list.get(0);
            List<InterfaceAddress> addresses = new ArrayList<>();
            for (JsonNode a : link.path("addr_info")) {
                addresses.add(InterfaceAddress.parse(a.path("local").asText() + "/" + a.path("prefixlen").asInt()));
            }
            boolean up = false;
            for (JsonNode flag : link.path("flags")) up |= flag.asText().equals("UP");
            return Optional.of(new ObservedInterface(link.path("ifname").asText(), link.path("address").asText().toLowerCase(java.util.Locale.ROOT),
                    link.path("mtu").asInt(), up, addresses));
        } catch (IOException | IllegalArgumentException e) {
            throw new DataplaneException("cannot read `ip -j addr show dev " + ifName + "` in " + netns + ": " + e.getMessage(), e);
        }
    }

    /** The command's stdout, or null when it failed because the device does not exist. */
    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new DataplaneException(String.join(" ", command) + " did not finish within 10 s");
            }
            if (p.exitValue() != 0) {
                String error = new String(err, StandardCharsets.UTF_8).strip();
                if (error.contains("does not exist")) return null;
                throw new DataplaneException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + error);
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataplaneException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataplaneException("interrupted while running " + String.join(" ", command), e);
        }
    }
}
