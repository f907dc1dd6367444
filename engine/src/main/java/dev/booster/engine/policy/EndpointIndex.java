package dev.booster.engine.policy;

import dev.booster.api.InvalidSpecException;
import dev.booster.api.pod.NamedPort;
import dev.booster.api.policy.Labels;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The endpoints a policy is compiled for, checked: local ids dense and unique, uids unique, labels and named ports valid. */
final class EndpointIndex {
    private final List<PolicyEndpoint> all;
    private final PolicyEndpoint[] localById;

    private EndpointIndex(List<PolicyEndpoint> all, PolicyEndpoint[] localById) {
        this.all = all;
        this.localById = localById;
    }

    static EndpointIndex of(List<PolicyEndpoint> endpoints) {
        List<PolicyEndpoint> all = List.copyOf(endpoints);
        Map<Integer, Integer> positionOfId = new HashMap<>();
        Map<String, Integer> positionOfUid = new HashMap<>();
        for (int i = 0; i < all.size(); i++) {
            PolicyEndpoint e = all.get(i);
            String field = "endpoints[" + i + "]";
            if (e.uid() == null || e.uid().isEmpty()) throw new InvalidSpecException(field + ".uid", "is required");
            Integer sameUid = positionOfUid.putIfAbsent(e.uid(), i);
            if (sameUid != null) {
                throw new InvalidSpecException(field + ".uid", "\"" + e.uid() + "\" is also endpoints[" + sameUid + "]; give each pod one endpoint");
            }
            if (e.id() < PolicyEndpoint.REMOTE) {
                throw new InvalidSpecException(field + ".id", e.id() + " (uid " + e.uid() + ") is not an id; use 0..n-1 for local endpoints or PolicyEndpoint.REMOTE (-1)");
            }
            if (e.isLocal()) {
                Integer sameId = positionOfId.putIfAbsent(e.id(), i);
                if (sameId != null) {
                    throw new InvalidSpecException(field + ".id", "id " + e.id() + " of " + e.uid() + " is already used by "
                            + all.get(sameId).uid() + " (endpoints[" + sameId + "]); local ids must be unique");
                }
            }
            if (e.namespace() == null || e.namespace().isEmpty()) {
                throw new InvalidSpecException(field + ".namespace", "is required (uid " + e.uid() + ")");
            }
            try {
                Labels.checkAll("labels", e.labels());
            } catch (InvalidSpecException bad) {
                throw bad.within(field);
            }
            checkNamedPorts(field, e);
        }
        PolicyEndpoint[] localById = new PolicyEndpoint[positionOfId.size()];
        for (Map.Entry<Integer, Integer> id : positionOfId.entrySet()) {
            if (id.getKey() >= localById.length) {
                throw new InvalidSpecException("endpoints[" + id.getValue() + "].id", "local ids must be dense 0.." + (localById.length - 1)
                        + " for " + localById.length + " local endpoints, but " + all.get(id.getValue()).uid() + " has id " + id.getKey()
                        + "; renumber the local endpoints");
            }
            localById[id.getKey()] = all.get(id.getValue());
        }
        return new EndpointIndex(all, localById);
    }

    private static void checkNamedPorts(String field, PolicyEndpoint e) {
        Map<String, Integer> seen = new HashMap<>();
        for (int p = 0; p < e.namedPorts().size(); p++) {
            NamedPort port = e.namedPorts().get(p);
            Integer earlier = seen.putIfAbsent(port.name() + "/" + port.protocol(), p);
            if (earlier != null) {
                throw new InvalidSpecException(field + ".namedPorts[" + p + "]", "port name \"" + port.name() + "\" (" + port.protocol()
                        + ") of " + e.uid() + " is also namedPorts[" + earlier + "]; a pod's port names must be unique");
            }
        }
    }

    List<PolicyEndpoint> all() {
        return all;
    }

    int localCount() {
        return localById.length;
    }

    PolicyEndpoint local(int id) {
        return localById[id];
    }
}
