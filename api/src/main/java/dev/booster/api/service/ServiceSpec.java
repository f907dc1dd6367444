package dev.booster.api.service;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.net.IpAddress;

import java.time.Duration;
import java.util.List;

/**
 * A Kubernetes Service as the dataplane load-balances it: traffic to a cluster IP and port goes to one of that
 * port's endpoints.
 */
public record ServiceSpec(String namespace, String name, List<IpAddress> clusterIps, List<ServicePort> ports,
                          SessionAffinity sessionAffinity, Duration affinityTimeout, LoadBalancing loadBalancing) {

    public enum SessionAffinity {
        @JsonProperty("None") NONE,
        @JsonProperty("ClientIP") CLIENT_IP
    }

    public enum LoadBalancing {
        /** Consistent hashing (Maglev): a backend change moves few flows. */
        @JsonProperty("maglev") MAGLEV,
        @JsonProperty("random") RANDOM,
        /** Direct server return: replies bypass the load balancer. */
        @JsonProperty("dsr") DSR
    }

    public ServiceSpec {
        if (namespace == null || namespace.isBlank()) throw new InvalidSpecException("namespace", "is required");
        if (name == null || name.isBlank()) throw new InvalidSpecException("name", "is required");
        clusterIps = List.copyOf(clusterIps);
        ports = List.copyOf(ports);
        if (clusterIps.isEmpty()) throw new InvalidSpecException("clusterIps", "needs at least one address");
        if (ports.isEmpty()) throw new InvalidSpecException("ports", "needs at least one port");
        sessionAffinity = sessionAffinity == null ? SessionAffinity.NONE : sessionAffinity;
        affinityTimeout = affinityTimeout == null ? Duration.ofHours(3) : affinityTimeout;
        loadBalancing = loadBalancing == null ? LoadBalancing.MAGLEV : loadBalancing;
        if (affinityTimeout.isNegative() || affinityTimeout.isZero()) throw new InvalidSpecException("affinityTimeout", "must be positive");
    }

    public String key() {
        return namespace + "/" + name;
    }
}
