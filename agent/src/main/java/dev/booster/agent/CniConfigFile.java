package dev.booster.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.booster.api.net.IpFamily;
import dev.booster.api.net.IpPrefix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The node's CNI network configuration, written by the agent once it knows its Node's pod CIDRs (as kindnet and
 * flannel do): a template conflist (e.g. {@code deploy/10-booster.conflist}) whose {@code booster-cni} plugin's
 * host-local {@code ipam.ranges} are replaced by one range per pod CIDR, and a default route added per family. The
 * kubelet reports the node network-ready only once a configuration exists, so pods wait for a running agent.
 */
final class CniConfigFile {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path template;
    private final Path target;
    private String written;

    /**
     * @param template the conflist to start from
     * @param target   where the kubelet's runtime reads it, e.g. {@code /etc/cni/net.d/10-booster.conflist}
     */
    CniConfigFile(Path template, Path target) {
        this.template = template;
        this.target = target;
    }

    /** Writes the configuration for {@code podCidrs} when it differs from what is there; true when it wrote. */
    synchronized boolean write(List<IpPrefix> podCidrs) {
        if (podCidrs.isEmpty()) return false;
        String content;
        try {
            content = render(Files.readString(template), podCidrs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CNI configuration template " + template + ": " + e.getMessage(), e);
        }
        if (content.equals(written)) return false;
        try {
            if (Files.exists(target) && Files.readString(target).equals(content)) {
                written = content;
                return false;
            }
            Files.createDirectories(target.toAbsolutePath().getParent());
            // The runtime reads the directory at any time: a half-written file must never be there under a .conflist name.
            Path temporary = target.resolveSibling("." + target.getFileName() + ".tmp");
            Files.writeString(temporary, content);
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            written = content;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the CNI configuration " + target + ": " + e.getMessage(), e);
        }
    }

    /** {@code template} with the booster-cni plugin's IPAM ranges set to {@code podCidrs}. */
    static String render(String template, List<IpPrefix> podCidrs) throws IOException {
        JsonNode root = JSON.readTree(template);
        ObjectNode plugin = null;
        for (JsonNode p : root.path("plugins")) {
            if ("booster-cni".equals(p.path("type").asText())) plugin = (ObjectNode) p;
        }
        if (plugin == null) throw new IOException("the template has no plugin of type booster-cni");
        if (!(plugin.get("ipam") instanceof ObjectNode ipam) || !"host-local".equals(ipam.path("type").asText())) {
            throw new IOException("the template's booster-cni plugin does not use host-local IPAM, whose ranges the agent fills in");
        }
        ArrayNode ranges = ipam.putArray("ranges");
        ArrayNode routes = ipam.putArray("routes");
        boolean v4 = false;
        boolean v6 = false;
        for (IpPrefix cidr : podCidrs) {
            ranges.addArray().addObject().put("subnet", cidr.toString());
            if (cidr.family() == IpFamily.IPV4 && !v4) {
                routes.addObject().put("dst", "0.0.0.0/0");
                v4 = true;
            } else if (cidr.family() == IpFamily.IPV6 && !v6) {
                routes.addObject().put("dst", "::/0");
                v6 = true;
            }
        }
        return JSON.writeValueAsString(root) + "\n";
    }
}
