package dev.booster.api.policy;

/** Transport protocols a policy port or a service port names; the IANA number is what packets carry. */
public enum Protocol {
    TCP(6), UDP(17), SCTP(132);

    private final int number;

    Protocol(int number) {
        this.number = number;
    }

    /** The IP protocol number (IPv4 protocol / IPv6 next header). */
    public int number() {
        return number;
    }
}
