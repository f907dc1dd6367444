package dev.booster.cni;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** The answer to VERSION: the version asked about (echoed, as the spec says) and the versions Booster supports. */
public record CniVersionInfo(String cniVersion, List<String> supportedVersions) implements CniResponse {
    public CniVersionInfo {
        supportedVersions = List.copyOf(supportedVersions);
    }

    @Override
    public String stdout() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("cniVersion", cniVersion);
        ArrayNode versions = json.putArray("supportedVersions");
        supportedVersions.forEach(versions::add);
        return json.toString();
    }

    @Override
    public int exitCode() {
        return 0;
    }
}
