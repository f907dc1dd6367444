package dev.booster.vpp.provider;

import dev.booster.api.stats.DropCounter;
import dev.booster.api.stats.InterfaceCounters;
import dev.booster.api.stats.PolicyHitCounter;
import dev.booster.api.stats.Stats;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counters through the API: VPP's binary API has no counter dump (they live in the stats segment, which the stats
 * socket hands over as a memfd: a follow-up), but {@code cli_inband} runs {@code show interface}, whose table this
 * reads. One request for all interfaces; the text is VPP's CLI output, stable for years but not a contract, so a
 * line this cannot read fails loudly rather than being skipped.
 */
final class VppStats implements Stats {

    private final VppDataplane dataplane;

    VppStats(VppDataplane dataplane) {
        this.dataplane = dataplane;
    }

    /** One interface of {@code show interface}: index, name and its non-zero counters by name. */
    record ShownInterface(int index, String name, Map<String, Long> counters) {
        long counter(String counterName) {
            return counters.getOrDefault(counterName, 0L);
        }
    }

    @Override
    public List<InterfaceCounters> interfaces() {
        Map<Integer, String> podOf = new HashMap<>();
        String output;
        synchronized (dataplane.lock) {
            for (VppPods.Pod pod : dataplane.podState().attached()) {
                for (VppPods.PodInterface i : pod.interfaces) podOf.put(i.swIfIndex, pod.spec().uid());
            }
            output = dataplane.session().interfaces.cli("show interface");
        }
        List<InterfaceCounters> result = new ArrayList<>();
        for (ShownInterface shown : parseShowInterface(output)) {
            result.add(new InterfaceCounters(shown.index(), shown.name(), podOf.getOrDefault(shown.index(), ""),
                    shown.counter("rx packets"), shown.counter("rx bytes"), shown.counter("tx packets"),
                    shown.counter("tx bytes"), shown.counter("drops")));
        }
        return result;
    }

    /**
     * Booster's drop reasons that VPP counts as node errors ({@code show errors}): so far the acl plugin's denies
     * ({@code ACL deny packets} of its {@code acl-plugin-*} nodes) as {@code policy-deny}. VPP's other drops (no
     * route, TTL...) are error counters of their own nodes that no Booster reason names yet; each interface's total
     * is in {@link #interfaces()}. VPP's counters count from VPP's start, not from the dataplane's.
     */
    @Override
    public List<DropCounter> drops() {
        String output;
        synchronized (dataplane.lock) {
            output = dataplane.session().interfaces.cli("show errors");
        }
        long policyDenies = parseShowErrors(output).stream()
                .filter(e -> e.node().startsWith(ACL_NODE_PREFIX) && e.reason().equals(ACL_DENY_REASON))
                .mapToLong(ShownError::count).sum();
        return policyDenies == 0 ? List.of() : List.of(new DropCounter(POLICY_DENY, policyDenies));
    }

    static final String POLICY_DENY = "policy-deny";
    static final String ACL_NODE_PREFIX = "acl-plugin-";
    static final String ACL_DENY_REASON = "ACL deny packets";

    /** One line of {@code show errors}: how many times {@code node} counted {@code reason}, at {@code severity}. */
    record ShownError(long count, String node, String reason, String severity) {
    }

    /**
     * Reads {@code show errors}: a header line, then per counter its count, node name, reason (words) and severity
     * (one word); a line that does not read so fails, naming it.
     */
    static List<ShownError> parseShowErrors(String output) {
        List<ShownError> result = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.isBlank()) continue;
            String[] words = line.strip().split("\\s+");
            if (words[0].equals("Count") && words.length > 1 && words[1].equals("Node")) continue;
            if (words.length < 4) throw unreadable("show errors", line);
            try {
                result.add(new ShownError(Long.parseLong(words[0]), words[1],
                        String.join(" ", List.of(words).subList(2, words.length - 1)), words[words.length - 1]));
            } catch (NumberFormatException e) {
                throw unreadable("show errors", line);
            }
        }
        return result;
    }

    @Override
    public List<PolicyHitCounter> policyHits() {
        throw new UnsupportedOperationException("policy hits: VPP's acl plugin counts per rule only in its stats"
                + " segment (acl_stats_intf_counters_enable, /acl/N/matches), which the vpp backend does not read yet");
    }

    /**
     * Reads {@code show interface}: a header line, then per interface a line starting with its name, index, state
     * and MTUs, optionally followed by its first counter; every further counter on a line of its own, indented.
     */
    static List<ShownInterface> parseShowInterface(String output) {
        List<ShownInterface> result = new ArrayList<>();
        String name = null;
        int index = -1;
        Map<String, Long> counters = null;
        for (String line : output.split("\n")) {
            if (line.isBlank()) continue;
            String[] words = line.strip().split("\\s+");
            if (words[0].equals("Name") && words.length > 1 && words[1].equals("Idx")) continue;
            List<String> counterWords;
            if (!Character.isWhitespace(line.charAt(0))) {
                if (name != null) result.add(new ShownInterface(index, name, Map.copyOf(counters)));
                if (words.length < 4) throw unreadable(line);
                name = words[0];
                try {
                    index = Integer.parseInt(words[1]);
                } catch (NumberFormatException e) {
                    throw unreadable(line);
                }
                counters = new HashMap<>();
                counterWords = List.of(words).subList(4, words.length);
            } else {
                if (name == null) throw unreadable(line);
                counterWords = List.of(words);
            }
            if (counterWords.isEmpty()) continue;
            if (counterWords.size() < 2) throw unreadable(line);
            try {
                long value = Long.parseLong(counterWords.getLast());
                counters.merge(String.join(" ", counterWords.subList(0, counterWords.size() - 1)), value, Long::sum);
            } catch (NumberFormatException e) {
                throw unreadable(line);
            }
        }
        if (name != null) result.add(new ShownInterface(index, name, Map.copyOf(counters)));
        return result;
    }

    private static IllegalStateException unreadable(String line) {
        return unreadable("show interface", line);
    }

    private static IllegalStateException unreadable(String command, String line) {
        return new IllegalStateException("cannot read VPP's '" + command + "' line \"" + line.strip() + "\": its"
                + " format differs from VPP v26.06's");
    }
}
