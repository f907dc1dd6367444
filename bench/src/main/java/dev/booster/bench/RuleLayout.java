package dev.booster.bench;

/**
 * How the rules other than pod A's allow rule overlap with A's packet ({@link ServiceIngress}): which decides how
 * much of the list the bitmap classifier walks before the rows matching A's address and the rows matching the port
 * meet. Public for JMH's @Param.
 */
public enum RuleLayout {
    /**
     * A shared service, as clusters have them: every 4th rule opens the service port to another client, and pod A's
     * address is matched by one broad rule (the node's pod CIDR, to the metrics port) per 1,024 rules. The port's rows
     * are dense, A's rows sparse: the AND visits a word only where A has a row.
     */
    SERVICE,
    /**
     * The classifier's worst case: as {@link #SERVICE}, but every 8th rule allows A's pod CIDR on the metrics port,
     * so both bitsets have bits in every 64-row word and the AND visits every word up to A's rule.
     */
    DENSE;

    /** Whether filler row {@code row} allows the pod CIDR (so pod A) to the metrics port. */
    boolean podCidrRow(int row) {
        return this == DENSE ? row % 8 == 3 : row % 1024 == 3;
    }
}
