package dev.booster.api.policy;

/** The dataplane's network policy. */
public interface Policies {

    /**
     * Replaces the whole policy set at once: packets see either the old set or the new one, never a mix. On an
     * error (a policy the backend cannot compile) the previous set stays in force and the exception says why.
     *
     * @return the generation now in force, increasing by one per successful apply
     */
    long apply(PolicySet policies);

    /** The set now in force ({@link PolicySet#EMPTY} before the first apply). */
    PolicySet current();

    /** The generation now in force (0 before the first apply). */
    long generation();
}
