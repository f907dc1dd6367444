package dev.booster.bench;

/** Where pod A's allow rule sits in pod B's ingress rule list ({@link ServiceIngress}); public for JMH's @Param. */
public enum AllowRow {
    /** The last row: the classifier searches the whole list. */
    LAST,
    /** The middle row. */
    MIDDLE;

    int of(int rules) {
        return this == LAST ? rules - 1 : rules / 2;
    }
}
