package dev.booster.guice;

import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.UnsupportedCapabilityException;
import dev.booster.api.event.DataplaneEvent;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Pods;
import dev.booster.api.policy.Policies;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.service.Services;
import dev.booster.api.stats.DropCounter;
import dev.booster.api.stats.InterfaceCounters;
import dev.booster.api.stats.PolicyHitCounter;
import dev.booster.api.stats.Stats;
import dev.booster.api.tunnel.Tunnels;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A dataplane that keeps policy sets and nothing else: it attaches no pods (so counts nothing) and has no tunnels or
 * services, which it reports as {@link UnsupportedCapabilityException}s.
 */
final class PolicyOnlyDataplane implements Dataplane {
    static final Set<Capability> CAPABILITIES = EnumSet.of(Capability.POLICY);

    private final DataplaneConfig config;
    private final KeptPolicies policies = new KeptPolicies();
    private final Pods pods = new NoPods();
    private final Stats stats = new NoCounters();
    private volatile boolean closed;

    PolicyOnlyDataplane(DataplaneConfig config) {
        this.config = config;
    }

    DataplaneConfig config() {
        return config;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public String provider() {
        return PolicyOnlyProvider.NAME;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public Pods pods() {
        return pods;
    }

    @Override
    public Policies policies() {
        return policies;
    }

    @Override
    public Tunnels tunnels() {
        throw new UnsupportedCapabilityException(provider(), Capability.TUNNELS);
    }

    @Override
    public Services services() {
        throw new UnsupportedCapabilityException(provider(), Capability.SERVICES);
    }

    @Override
    public Stats stats() {
        return stats;
    }

    @Override
    public Subscription subscribe(Consumer<? super DataplaneEvent> listener) {
        throw new UnsupportedOperationException("the Guice tests' dataplane emits no events");
    }

    @Override
    public void close() {
        closed = true;
    }

    private static final class KeptPolicies implements Policies {
        private PolicySet current = PolicySet.EMPTY;
        private long generation;

        @Override
        public synchronized long apply(PolicySet policies) {
            current = policies;
            return ++generation;
        }

        @Override
        public synchronized PolicySet current() {
            return current;
        }

        @Override
        public synchronized long generation() {
            return generation;
        }
    }

    private final class NoPods implements Pods {
        @Override
        public PodAttachment attach(PodSpec spec) {
            throw new UnsupportedCapabilityException(provider(), Capability.VETH, "the Guice tests' dataplane attaches no pods");
        }

        @Override
        public boolean detach(String uid) {
            return false;
        }

        @Override
        public Optional<PodAttachment> get(String uid) {
            return Optional.empty();
        }

        @Override
        public List<PodAttachment> list() {
            return List.of();
        }
    }

    private static final class NoCounters implements Stats {
        @Override
        public List<InterfaceCounters> interfaces() {
            return List.of();
        }

        @Override
        public List<DropCounter> drops() {
            return List.of();
        }

        @Override
        public List<PolicyHitCounter> policyHits() {
            return List.of();
        }
    }
}
