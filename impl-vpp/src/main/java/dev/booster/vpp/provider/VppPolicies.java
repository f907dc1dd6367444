package dev.booster.vpp.provider;

import dev.booster.api.event.DataplaneEvent;
import dev.booster.api.policy.Policies;
import dev.booster.api.policy.PolicySet;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Policy on VPP's acl plugin: {@link AclCompiler} turns the set into an input and an output ACL per isolated pod,
 * made with {@code acl_add_replace} (in place when the pod has them already) and bound to each of the pod's
 * interfaces with {@code acl_interface_set_acl_list}. Only ACLs whose rules changed are sent again; pods no policy
 * isolates have none. Pods attaching and detaching change what selectors select, so the set is recompiled then too.
 *
 * <p>The whole set is compiled before VPP is told anything, so a set the compiler refuses leaves the previous one
 * in force. VPP itself has no transaction across ACLs: while a new set is being sent, some pods may already have
 * their new ACLs and others not yet.
 */
final class VppPolicies implements Policies {

    /** What is in VPP for one pod: its ACLs' indices, their rules, and the interfaces they are bound to. */
    private static final class Installed {
        long input = VppInterfaces.NONE;
        long output = VppInterfaces.NONE;
        PodAcls acls;
        final java.util.Set<Integer> boundTo = new java.util.LinkedHashSet<>();
    }

    private final VppDataplane dataplane;
    private final Map<String, Installed> installed = new HashMap<>();
    private PolicySet current = PolicySet.EMPTY;
    private long generation;

    VppPolicies(VppDataplane dataplane) {
        this.dataplane = dataplane;
    }

    @Override
    public long apply(PolicySet policies) {
        synchronized (dataplane.lock) {
            try {
                VppSession session = dataplane.session();
                requireAclPlugin(session);
                install(session, compile(policies));
            } catch (RuntimeException e) {
                dataplane.publish(new DataplaneEvent.PolicyRejected(Instant.now(), e.getMessage()));
                throw e;
            }
            current = policies;
            generation++;
            dataplane.publish(new DataplaneEvent.PolicyApplied(Instant.now(), generation));
            return generation;
        }
    }

    @Override
    public PolicySet current() {
        synchronized (dataplane.lock) {
            return current;
        }
    }

    @Override
    public long generation() {
        synchronized (dataplane.lock) {
            return generation;
        }
    }

    /** The ACLs each attached pod gets from {@code policies}; throws before anything is sent. */
    private Map<String, Optional<PodAcls>> compile(PolicySet policies) {
        List<AclEndpoint> endpoints = dataplane.podState().attached().stream().map(VppPods.Pod::endpoint).toList();
        return new AclCompiler(policies, endpoints).compileAll();
    }

    /** Policy needs VPP's acl plugin, exactly as Booster knows its messages; the error lists what differs. */
    private static void requireAclPlugin(VppSession session) {
        List<String> missing = new java.util.ArrayList<>();
        for (var type : VppInterfaces.ACL_MESSAGES) {
            if (!session.client.supports(type)) {
                missing.add(new dev.booster.vpp.api.MessageMismatch(type.name(), type.crc(),
                        session.client.messageTable().crcOf(type.name())).toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new UnsupportedOperationException("policy on VPP needs its acl plugin (acl_plugin.so), which this VPP"
                    + " lacks or has in another version: " + String.join("; ", missing) + ". Load the plugin"
                    + " (startup.conf: plugins { plugin acl_plugin.so { enable } }); policy on the npol plugin is not"
                    + " mapped yet");
        }
    }

    /** A pod came or went: selectors may select other addresses now. */
    void endpointsChanged() {
        if (current.policies().isEmpty() && installed.isEmpty()) return;
        // While VPP is away there is nothing to change; reconnecting installs what is then current.
        dataplane.sessionIfConnected().ifPresent(session -> install(session, compile(current)));
    }

    /** Unbinds and deletes a leaving pod's ACLs before its interfaces go. */
    void podDetached(VppPods.Pod pod) {
        Installed mine = installed.remove(pod.spec().uid());
        if (mine == null) return;
        dataplane.sessionIfConnected().ifPresent(session -> remove(session, mine));
    }

    /** After a VPP restart: VPP has no ACL any more; make them all again. */
    void reinstall(VppSession session) {
        installed.clear();
        install(session, compile(current));
    }

    private void install(VppSession session, Map<String, Optional<PodAcls>> compiled) {
        VppInterfaces vpp = session.interfaces;
        for (VppPods.Pod pod : dataplane.podState().attached()) {
            String uid = pod.spec().uid();
            Optional<PodAcls> acls = compiled.getOrDefault(uid, Optional.empty());
            Installed mine = installed.get(uid);
            if (acls.isEmpty()) {
                if (mine != null) {
                    remove(session, mine);
                    installed.remove(uid);
                }
                continue;
            }
            if (mine == null) {
                mine = new Installed();
                installed.put(uid, mine);
            }
            if (!acls.get().equals(mine.acls)) {
                mine.input = vpp.replaceAcl(mine.input, tag(uid, "egress"), acls.get().input());
                mine.output = vpp.replaceAcl(mine.output, tag(uid, "ingress"), acls.get().output());
                mine.acls = acls.get();
            }
            for (VppPods.PodInterface i : pod.interfaces) {
                if (i.swIfIndex >= 0 && mine.boundTo.add(i.swIfIndex)) {
                    vpp.setAcls(i.swIfIndex, List.of(mine.input), List.of(mine.output));
                }
            }
        }
    }

    /** {@code acl_add_replace.tag} is a {@code string[64]}: the direction stays, a long uid is cut. */
    static String tag(String uid, String direction) {
        String suffix = " " + direction;
        String text = "booster " + uid;
        while (text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + suffix.length() > 63) {
            text = text.substring(0, text.length() - 1);
        }
        return text + suffix;
    }

    private static void remove(VppSession session, Installed mine) {
        for (Integer swIfIndex : mine.boundTo) session.interfaces.setAcls(swIfIndex, List.of(), List.of());
        if (mine.input != VppInterfaces.NONE) session.interfaces.deleteAcl(mine.input);
        if (mine.output != VppInterfaces.NONE) session.interfaces.deleteAcl(mine.output);
    }
}
