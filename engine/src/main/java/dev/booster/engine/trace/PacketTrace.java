package dev.booster.engine.trace;

import java.util.List;

/**
 * One traced packet as text: what came in and what each node did with it, e.g.
 * <pre>
 * rx pod-a (#0) 74 bytes at 1234: IPv4 10.0.0.1 -> 10.0.0.2 UDP 40000 -> 53
 *   ethernet-input: ethertype 0x0800 (IPv4)
 *   ...
 *   error-drop: policy-deny
 * </pre>
 */
public record PacketTrace(long timeNanos, int rxInterface, String rxInterfaceName, int length, String summary,
                          List<Step> steps) {

    public PacketTrace {
        steps = List.copyOf(steps);
    }

    public record Step(String node, String text) {
        @Override
        public String toString() {
            return node + ": " + text;
        }
    }

    /** True when some step of {@code node} says something containing {@code text}. */
    public boolean has(String node, String text) {
        return steps.stream().anyMatch(s -> s.node().equals(node) && s.text().contains(text));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append("rx ").append(rxInterfaceName).append(" (#").append(rxInterface).append(") ").append(length)
                .append(" bytes at ").append(timeNanos).append(": ").append(summary);
        for (Step step : steps) sb.append("\n  ").append(step);
        return sb.toString();
    }
}
